/** Local: static hosts (sshd stand-ins, this machine) or Vagrant machines, records and locks under `.fragctl/`. */
import { join } from 'node:path';
import { checkPrivateKey } from '../ansible/keys.js';
import { computedVars, playbookVars } from '../deploy/vars.js';
import { roleTargets } from '../deploy/roles.js';
import { checkGroupName } from '../hosts/aws-hosts.js';
import { localHosts } from '../hosts/local-hosts.js';
import { pickHost } from '../hosts/pick.js';
import { LocalLock } from '../locks/local-lock.js';
import type { PlatformOps } from './types.js';

export const LOCAL: PlatformOps = {
  recordStore: 'local',
  async openState(ctx, cache) {
    return { store: cache, lock: new LocalLock(join(ctx.project.paths.state, 'locks'), ctx.env.name, ctx.project.paths.dir) };
  },
  async doctorFindings() {
    return [];
  },
  async plan() {
    return { notes: [], hosts: true };
  },
  configExtras: (ctx) => ({ computed: computedVars(ctx, undefined) }),
  hosts: {
    async targets(ctx) {
      return { hosts: await localHosts(ctx), vars: playbookVars(ctx, undefined), notes: [] };
    },
    // The roles whose playbook targets a group that has hosts here.
    async defaultRoles(ctx, known, present) {
      const targets = await roleTargets(ctx, known);
      return known.filter((r) => (targets.get(r) ?? [r]).some((g) => present.has(g)));
    },
    async list(ctx, group) {
      const hosts = await localHosts(ctx);
      checkGroupName(
        group,
        hosts.flatMap((h) => h.groups),
      );
      return hosts
        .filter((h) => !group || h.groups.includes(group))
        .map((h) => ({
          group: h.groups.join(','),
          name: h.name,
          instanceId: '-',
          state: ctx.env.local?.hosts?.length ? 'static' : 'vagrant',
          privateIp: `${h.address}:${h.port ?? 22}`,
        }));
    },
    async sshTarget(ctx, { group, index, knownHostsFile }) {
      const hosts = await localHosts(ctx);
      checkGroupName(
        group,
        hosts.flatMap((h) => h.groups),
      );
      const h = pickHost(
        hosts.filter((x) => x.groups.includes(group)),
        index,
        group,
        ctx.env.name,
      );
      const key = typeof h.vars?.ansible_ssh_private_key_file === 'string' ? h.vars.ansible_ssh_private_key_file : checkPrivateKey(ctx);
      return { name: h.name, address: h.address, port: h.port, user: h.user, privateKey: key, knownHostsFile };
    },
    async inventory(ctx) {
      return { hosts: await localHosts(ctx), vars: playbookVars(ctx, undefined) };
    },
  },
};
