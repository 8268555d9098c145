/**
 * The EC2 calls behind hosts, inventory and deploy: one paginated DescribeInstances with
 * server-side tag and state filters (MaxResults 1000), and the stack's outputs. Nothing else.
 */
import type { Instance } from '@aws-sdk/client-ec2';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export interface InstanceFacts {
  instanceId: string;
  state: string;
  tags: Record<string, string>;
  privateIp?: string;
  publicIp?: string;
  privateDns?: string;
  publicDns?: string;
  launchTime?: string;
  instanceType?: string;
  imageId?: string;
  availabilityZone?: string;
  keyName?: string;
  securityGroups?: string[];
}

export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface InstanceQuery {
  /** tag name → accepted values */
  tags: Record<string, string[]>;
  states?: string[];
}

export async function describeInstances(aws: AwsClients, q: InstanceQuery): Promise<InstanceFacts[]> {
  const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  const Filters = Object.entries(q.tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: v }));
  Filters.push({ Name: 'instance-state-name', Values: q.states ?? LIVE_STATES });
  const out: InstanceFacts[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters, MaxResults: 1000, NextToken }));
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(facts(i));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (e) {
    throw awsError('DescribeInstances failed', e);
  }
  return out;
}

function facts(i: Instance): InstanceFacts {
  const tags: Record<string, string> = {};
  for (const t of i.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    instanceId: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    tags,
    privateIp: i.PrivateIpAddress || undefined,
    publicIp: i.PublicIpAddress || undefined,
    privateDns: i.PrivateDnsName || undefined,
    publicDns: i.PublicDnsName || undefined,
    launchTime: i.LaunchTime ? new Date(i.LaunchTime).toISOString() : undefined,
    instanceType: i.InstanceType,
    imageId: i.ImageId,
    availabilityZone: i.Placement?.AvailabilityZone,
    keyName: i.KeyName,
    securityGroups: (i.SecurityGroups ?? []).map((g) => g.GroupName ?? g.GroupId ?? '').filter(Boolean),
  };
}

/**
 * The stack's outputs (DatabaseEndpoint, AppUrl, ...); undefined when the stack does not exist.
 * Kept here so that hosts/deploy need no other module; a candidate to move to cloudformation.ts.
 */
export async function stackOutputs(aws: AwsClients, stack: string): Promise<Record<string, string> | undefined> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const s = out.Stacks?.[0];
    if (!s) return undefined;
    return Object.fromEntries((s.Outputs ?? []).filter((o) => o.OutputKey).map((o) => [o.OutputKey!, o.OutputValue ?? '']));
  } catch (e) {
    if (/does not exist/i.test((e as Error).message ?? '')) return undefined;
    throw awsError(`DescribeStacks ${stack} failed`, e);
  }
}
