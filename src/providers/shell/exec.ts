/**
 * Child processes fragctl runs (ansible-playbook, ssh, vagrant): found on PATH, run with execa,
 * their output streamed line by line to a callback. A missing tool is a UserError with a hint.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { environ, workingDir } from '../../core/environ.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Each chunk of stdout and stderr as it arrives. */
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
  input?: string;
  /** Inherit the terminal (interactive ssh). */
  interactive?: boolean;
}

const INSTALL_HINTS: Record<string, string> = {
  'ansible-playbook': 'install Ansible (`pip install ansible-core`, or `bash scripts/setup.sh` for the project venv) and put ansible-playbook on PATH',
  ssh: 'install the OpenSSH client (apt-get install openssh-client)',
  vagrant: 'install Vagrant (https://developer.hashicorp.com/vagrant/install) or list the hosts under local.hosts in the environment file',
};

/** The absolute path of an executable on PATH, or a UserError naming what to install. */
export function which(tool: string, pathVar = environ().PATH ?? ''): string {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new UserError(`${tool} is not installed (not found on PATH)`, {
    hint: INSTALL_HINTS[tool] ?? `install ${tool} and put it on PATH`,
    code: 'TOOL_MISSING',
  });
}

export async function exec(file: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const { execa } = await import('execa');
  if (options.interactive) {
    const r = await execa(file, args, { cwd: options.cwd ?? workingDir(), env: childEnv(options), extendEnv: false, stdio: 'inherit', reject: false, cancelSignal: options.signal });
    return { exitCode: r.exitCode ?? 1, stdout: '', stderr: '' };
  }
  const child = execa(file, args, {
    cwd: options.cwd ?? workingDir(),
    env: childEnv(options),
    extendEnv: false,
    reject: false,
    input: options.input ?? '',
    cancelSignal: options.signal,
    buffer: true,
    all: false,
  });
  if (options.onOutput) {
    const forward = (d: Buffer): void => options.onOutput!(d.toString());
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  const r = await child;
  return { exitCode: r.exitCode ?? (r.isCanceled ? 130 : 1), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** The run's variables (not necessarily this process's: runs may be in-process) plus the call's own. */
function childEnv(options: ExecOptions): Record<string, string | undefined> {
  return { ...environ(), ...options.env };
}
