/** Shared setup for the AWS lifecycle tests: a project copy with the test image playbook, and SDK clients on moto. */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { copyProject, fragctl, type CliResult } from '../../helpers/cli.js';
import { slimRoles } from '../../helpers/slim.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/**
 * A private copy of the reference project. With `testImage`, playbooks/image.yml is replaced by a
 * small test playbook (role imagebase) that fails on demand (FRAGCTL_TEST_FAIL_BAKE=1). With `slim`,
 * the roles are cut to one file task each (test/helpers/slim.ts), common also leaving the directory
 * of playbooks/image.yml's own manifest task: for tests of fragctl around Ansible, not of the roles.
 */
export function lifecycleProject(opts: { testImage?: boolean; slim?: boolean } = {}): string {
  const dir = copyProject();
  if (opts.slim) {
    slimRoles(dir);
    appendFileSync(
      join(dir, 'playbooks', 'roles', 'common', 'tasks', 'main.yml'),
      '\n- name: The directory image.yml records its manifest in\n  ansible.builtin.file: { path: "{{ deploy_root }}{{ app_etc_dir }}", state: directory, mode: "0755" }\n',
    );
  }
  if (opts.testImage) {
    cpSync(join(FIXTURES, 'image.yml'), join(dir, 'playbooks', 'image.yml'));
    cpSync(join(FIXTURES, 'roles', 'imagebase'), join(dir, 'playbooks', 'roles', 'imagebase'), { recursive: true });
  }
  return dir;
}

export function cliEnv(dir: string, endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    FRAGCTL_VAULT_PASSWORD_FILE: join(dir, 'playbooks', 'demo-vault-password'),
    AWS_ACCESS_KEY_ID: undefined as unknown as string,
    AWS_SECRET_ACCESS_KEY: undefined as unknown as string,
    AWS_PROFILE: undefined as unknown as string,
  };
}

/** fragctl on the project and endpoint; `child` for a process of its own (races between processes). */
export function run(
  dir: string,
  endpoint: string,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
  opts: { child?: boolean } = {},
): Promise<CliResult> {
  return fragctl([...args, '--project-dir', dir], {
    env: { ...cliEnv(dir, endpoint), ...extraEnv },
    timeoutMs: 150_000,
    child: opts.child,
  });
}

export function clients(endpoint: string): { cfn: CloudFormationClient; ec2: EC2Client; rds: RDSClient } {
  const cfg = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return { cfn: new CloudFormationClient(cfg), ec2: new EC2Client(cfg), rds: new RDSClient(cfg) };
}

export function appendSetting(dir: string, env: string, line: string): void {
  const file = join(dir, 'environments', `${env}.yml`);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, /\nsettings:\s*\n/.test(text) ? `${text.trimEnd()}\n  ${line}\n` : `${text.trimEnd()}\nsettings:\n  ${line}\n`);
}

export const show = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
