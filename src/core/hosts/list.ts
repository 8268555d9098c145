/** `fragctl <env> hosts`: the environment's hosts, from tags on AWS, from settings or Vagrant locally. */
import type { Context } from '../context.js';
import { checkGroupName, findInstances, toRow, type HostRow } from './aws-hosts.js';
import { localHosts } from './local-hosts.js';

export type { HostRow };

export async function listHosts(ctx: Context, opts: { group?: string } = {}): Promise<HostRow[]> {
  if (ctx.env.platform === 'local') {
    const hosts = await localHosts(ctx);
    checkGroupName(
      opts.group,
      hosts.flatMap((h) => h.groups),
    );
    return hosts
      .filter((h) => !opts.group || h.groups.includes(opts.group))
      .map((h) => ({
        group: h.groups.join(','),
        name: h.name,
        instanceId: '-',
        state: ctx.env.local?.hosts?.length ? 'static' : 'vagrant',
        privateIp: `${h.address}:${h.port ?? 22}`,
      }));
  }
  checkGroupName(opts.group);
  return (await findInstances(ctx, opts.group)).map(toRow);
}
