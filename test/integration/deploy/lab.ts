/** A private copy of the reference project with a local environment `lab` on sshd test hosts. */
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject } from '../../helpers/cli.js';
import { slimRoles } from '../../helpers/slim.js';
import type { SshHosts } from '../../helpers/ssh-hosts.js';

export const DEMO_VAULT_PASSWORD = 'fragctl-demo-vault-password--demo-only--replace-me';

export interface LabHost {
  name: string;
  groups: string[];
}

/** `slim`: the roles cut by slimRoles (true), or all but the roles it names. */
export function labProject(ssh: SshHosts, layout: LabHost[], opts: { key?: boolean; slim?: boolean | { keep: string[] } } = {}): string {
  const dir = copyProject();
  if (opts.slim) slimRoles(dir, opts.slim === true ? {} : opts.slim);
  if (opts.key !== false) {
    copyFileSync(ssh.privateKey, join(dir, 'keys', 'frag-deploy.pem'));
    chmodSync(join(dir, 'keys', 'frag-deploy.pem'), 0o600);
  }
  const hosts = layout.map((l, i) => {
    const h = ssh.hosts[i]!;
    // Test hosts share this machine: /usr/bin/python3 rather than whatever a shim on PATH offers.
    return {
      name: l.name,
      address: h.address,
      port: h.port,
      user: h.user,
      groups: l.groups,
      vars: { deploy_root: h.deployRoot, ansible_python_interpreter: '/usr/bin/python3' },
    };
  });
  writeFileSync(
    join(dir, 'environments', 'lab.yml'),
    JSON.stringify({ platform: 'local', description: 'sshd test hosts', local: { hosts } }, null, 2),
  );
  return dir;
}

/** Every file under dir (recursively), relative. */
export function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p, `${prefix}${name}/`));
    else if (st.isFile()) out.push(`${prefix}${name}`); // not the SSH control sockets
  }
  return out;
}

/** Paths of files under dir whose content contains needle. */
export function filesContaining(dir: string, needle: string): string[] {
  return filesUnder(dir).filter((f) => readFileSync(join(dir, f), 'latin1').includes(needle));
}
