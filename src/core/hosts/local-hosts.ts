/**
 * The hosts of a local environment: a static list in the environment file (local.hosts), or the
 * machines of a Vagrantfile (`vagrant ssh-config`). Each gets a per-host deploy root under
 * .fragctl/hosts/ when sandboxed, so that what each host received can be told apart.
 */
import { isAbsolute, join } from 'node:path';
import type { AnsibleHost } from '../ansible/types.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { GROUPS } from '../names.js';
import { vagrantSshConfig } from '../../providers/shell/vagrant.js';

export function hostsDir(ctx: Pick<Context, 'project'>): string {
  return join(ctx.project.paths.state, 'hosts');
}

export function vagrantDir(ctx: Pick<Context, 'project' | 'env'>): string {
  const dir = ctx.env.local?.vagrant?.dir ?? '.';
  return isAbsolute(dir) ? dir : join(ctx.project.paths.dir, dir);
}

export async function localHosts(ctx: Context): Promise<AnsibleHost[]> {
  const local = ctx.env.local;
  if (local?.hosts?.length) {
    return local.hosts.map((h) => {
      const vars = { ...(h.vars ?? {}) };
      const sandbox = vars.fragctl_sandbox === undefined ? true : vars.fragctl_sandbox === true || vars.fragctl_sandbox === 'true';
      vars.fragctl_sandbox = sandbox;
      vars.deploy_root ??= sandbox ? join(hostsDir(ctx), h.name) : '';
      return {
        name: h.name,
        address: h.address,
        port: h.port,
        user: h.user ?? ctx.env.settings.ssh_user,
        groups: h.groups,
        vars,
        connection: 'ssh' as const,
      };
    });
  }
  if (local?.vagrant) {
    const machines = await vagrantSshConfig(vagrantDir(ctx));
    const mapping = local.vagrant.groups;
    return machines.map((m) => {
      const groups = mapping
        ? Object.entries(mapping)
            .filter(([, names]) => names.includes(m.name))
            .map(([g]) => g)
        : (GROUPS as readonly string[]).includes(m.name)
          ? [m.name]
          : [];
      const vars: Record<string, unknown> = { fragctl_sandbox: false, deploy_root: '' };
      if (m.identityFile) vars.ansible_ssh_private_key_file = m.identityFile;
      return { name: m.name, address: m.address, port: m.port, user: m.user, groups, vars, connection: 'ssh' as const };
    });
  }
  throw new UserError(`environment ${ctx.env.name} lists no hosts`, {
    hint: `add local.hosts (name, address, port, groups) or local.vagrant to ${ctx.env.file ?? `environments/${ctx.env.name}.yml`}`,
    code: 'NO_HOSTS',
  });
}
