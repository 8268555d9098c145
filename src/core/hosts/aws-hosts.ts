/** The hosts of an AWS environment, found by their App/Env/Group tags. */
import type { Context } from '../context.js';
import { GROUPS } from '../names.js';
import { UserError } from '../errors.js';
import { describeInstances, type InstanceFacts } from '../../providers/aws/ec2-hosts.js';

export interface HostRow {
  group: string;
  name: string;
  instanceId: string;
  state: string;
  privateIp?: string;
  publicIp?: string;
  publicDns?: string;
  launchTime?: string;
}

/** Instances tagged App=<app>, Env=<env> (and Group=<group> when given), in a live state. One paginated call. */
export async function findInstances(ctx: Context, group?: string): Promise<InstanceFacts[]> {
  const tags: Record<string, string[]> = { App: [ctx.env.settings.app_name], Env: [ctx.env.name] };
  if (group) tags.Group = [group];
  const found = await describeInstances(ctx.aws, { tags });
  return found.sort(byGroupThenLaunch);
}

export function checkGroupName(group: string | undefined, extra: string[] = []): void {
  if (group === undefined) return;
  const known: string[] = [...GROUPS, ...extra];
  if (!known.includes(group)) {
    throw new UserError(`unknown group "${group}"`, { hint: `groups: ${[...new Set(known)].join(', ')}`, code: 'GROUP_UNKNOWN' });
  }
}

export function toRow(i: InstanceFacts): HostRow {
  return {
    group: i.tags.Group ?? '-',
    name: i.tags.Name ?? '-',
    instanceId: i.instanceId,
    state: i.state,
    privateIp: i.privateIp,
    publicIp: i.publicIp,
    publicDns: i.publicDns,
    launchTime: i.launchTime,
  };
}

function byGroupThenLaunch(a: InstanceFacts, b: InstanceFacts): number {
  return (
    (a.tags.Group ?? '').localeCompare(b.tags.Group ?? '') ||
    (a.launchTime ?? '').localeCompare(b.launchTime ?? '') ||
    a.instanceId.localeCompare(b.instanceId)
  );
}
