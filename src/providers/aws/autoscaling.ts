/** The Auto Scaling calls fragctl makes (group sizes for status, scaling to zero before a decommission), and nothing else. */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export type { AutoScalingGroup };

export async function describeGroups(aws: AwsClients, names: string[]): Promise<AutoScalingGroup[]> {
  if (!names.length) return [];
  const { DescribeAutoScalingGroupsCommand } = await import('@aws-sdk/client-auto-scaling');
  const asg = await aws.autoscaling();
  try {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }));
    return out.AutoScalingGroups ?? [];
  } catch (e) {
    throw awsError('cannot describe autoscaling groups', e);
  }
}

/** Scales a group to nothing (MinSize and DesiredCapacity 0): its instances are terminated. */
export async function scaleGroupToZero(aws: AwsClients, name: string): Promise<void> {
  const { UpdateAutoScalingGroupCommand } = await import('@aws-sdk/client-auto-scaling');
  const asg = await aws.autoscaling();
  try {
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 }));
  } catch (e) {
    throw awsError(`cannot scale autoscaling group ${name} to zero`, e);
  }
}
