/** `fragctl <env> hosts`: the environment's hosts, from tags on AWS, from settings or Vagrant locally. */
import type { Context } from '../context.js';
import { hostOps } from '../platforms/index.js';
import type { HostRow } from './aws-hosts.js';

export type { HostRow };

export async function listHosts(ctx: Context, opts: { group?: string } = {}): Promise<HostRow[]> {
  return hostOps(ctx).list(ctx, opts.group);
}
