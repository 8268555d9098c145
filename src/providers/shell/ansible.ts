/** The ansible-playbook invocations fragctl makes, and the environment they run with. */
import { exec, which, type ExecResult } from './exec.js';

export interface AnsibleRunOptions {
  cwd: string;
  /** Extra environment (e.g. the vault password for the password script). */
  env?: Record<string, string | undefined>;
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
}

/** Plain, colourless, no retry files, no cowsay: output that reads well in logs and parses. */
export function ansibleEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_NOCOWS: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_DEPRECATION_WARNINGS: '0',
    ANSIBLE_SYSTEM_WARNINGS: '0',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
    // ec2.py-era group names keep their dashes (tag_Name_frag-demo-app): keep them, without a warning.
    ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS: 'ignore',
    ANSIBLE_STDOUT_CALLBACK: 'default',
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    PYTHONUNBUFFERED: '1',
    // One ssh exec per task instead of four (mkdir, put, run, rm).
    ANSIBLE_PIPELINING: '1',
    ...extra,
  };
}

export function ansiblePlaybookBinary(): string {
  return which('ansible-playbook');
}

export async function ansiblePlaybook(args: string[], options: AnsibleRunOptions): Promise<ExecResult> {
  const bin = ansiblePlaybookBinary();
  return exec(bin, args, { cwd: options.cwd, env: ansibleEnv(options.env), onOutput: options.onOutput, signal: options.signal });
}

/** `ansible-galaxy <args>`: installs the roles and collections a project's requirements files name. */
export async function ansibleGalaxy(args: string[], options: AnsibleRunOptions): Promise<ExecResult> {
  const bin = which('ansible-galaxy');
  return exec(bin, args, { cwd: options.cwd, env: ansibleEnv(options.env), onOutput: options.onOutput, signal: options.signal });
}
