/**
 * `fragctl <env> inventory --list | --host H`: Ansible's dynamic inventory protocol, so that plain
 * `ansible -i bin/fragctl-inventory` sees what fragctl sees. Groups: one per Group tag (safe
 * names), one for the environment, and all; host variables: instance facts, connection settings,
 * the playbook variables and the stack's outputs.
 */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { GROUPS } from '../names.js';
import { dynamicInventory, hostVars, safeGroupName, type DynamicInventory } from '../ansible/inventory.js';
import { sshDefaults } from '../ansible/playbook.js';
import type { AnsibleHost } from '../ansible/types.js';
import { privateKeyPath } from '../ansible/keys.js';
import { hostOps } from '../platforms/index.js';

/** The environment group's name: the env name made safe, prefixed when it collides with a role group. */
export function envGroupName(env: string): string {
  const safe = safeGroupName(env);
  return (GROUPS as readonly string[]).includes(safe) ? `env_${safe}` : safe;
}

export async function inventoryHosts(ctx: Context): Promise<AnsibleHost[]> {
  const { hosts, vars } = await hostOps(ctx).inventory(ctx);
  // ansible -i needs the key too: the same key fragctl would pass with --private-key.
  const ssh = hosts.some((h) => h.connection !== 'local' && h.vars?.ansible_ssh_private_key_file === undefined);
  const key = ssh ? privateKeyPath(ctx) : undefined;
  return sshDefaults(ctx, hosts).map((h) => ({
    ...h,
    vars: {
      ...vars,
      ...h.vars,
      ...(key && h.connection !== 'local' && h.vars?.ansible_ssh_private_key_file === undefined
        ? { ansible_ssh_private_key_file: key }
        : {}),
    },
  }));
}

export async function inventoryList(ctx: Context): Promise<DynamicInventory> {
  return dynamicInventory(await inventoryHosts(ctx), [envGroupName(ctx.env.name)]);
}

export async function inventoryHost(ctx: Context, name: string): Promise<Record<string, unknown>> {
  const hosts = await inventoryHosts(ctx);
  const h = hosts.find((x) => x.name === name);
  if (!h) {
    throw new UserError(`no host ${name} in ${ctx.env.name}`, {
      hint: `hosts: ${hosts.map((x) => x.name).join(', ') || 'none'}`,
      code: 'HOST_UNKNOWN',
    });
  }
  return hostVars(h);
}
