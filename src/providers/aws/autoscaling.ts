/** The Auto Scaling calls fragctl makes (group sizes for status, scaling to zero before a decommission, instance refreshes), and nothing else. */
import type { AutoScalingGroup, InstanceRefresh } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';
import { OperationError } from '../../core/errors.js';

export type { AutoScalingGroup, InstanceRefresh };

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

/**
 * Replaces the group's instances with its current launch template, launching each replacement
 * before terminating the old one (min 100 %, max 200 % healthy: a group of one keeps serving);
 * skips instances that already match. Returns the refresh's ID.
 */
export async function startInstanceRefresh(aws: AwsClients, group: string): Promise<string> {
  const { StartInstanceRefreshCommand } = await import('@aws-sdk/client-auto-scaling');
  const asg = await aws.autoscaling();
  try {
    const out = await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: group,
        Strategy: 'Rolling',
        Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: true, InstanceWarmup: 60 },
      }),
    );
    return out.InstanceRefreshId ?? '?';
  } catch (e) {
    if ((e as { name?: string }).name === 'InstanceRefreshInProgressFault') {
      // Not bad input: the group is busy (exit 1); the caller says what had already changed.
      throw new OperationError(`an instance refresh is already running on ${group}`, {
        hint: `wait for it (the group's "Instance refresh" tab), or cancel it (aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${group}), then run update again`,
        code: 'REFRESH_RUNNING',
      });
    }
    throw awsError(`cannot start an instance refresh on ${group}`, e);
  }
}

/** One refresh's status and progress (one DescribeInstanceRefreshes call). */
export async function describeInstanceRefresh(aws: AwsClients, group: string, id: string): Promise<InstanceRefresh | undefined> {
  const { DescribeInstanceRefreshesCommand } = await import('@aws-sdk/client-auto-scaling');
  const asg = await aws.autoscaling();
  try {
    const out = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, InstanceRefreshIds: [id] }));
    return out.InstanceRefreshes?.[0];
  } catch (e) {
    throw awsError(`cannot describe the instance refresh ${id} of ${group}`, e);
  }
}

/** Cancels the group's running refresh; false when none was running any more. */
export async function cancelInstanceRefresh(aws: AwsClients, group: string): Promise<boolean> {
  const { CancelInstanceRefreshCommand } = await import('@aws-sdk/client-auto-scaling');
  const asg = await aws.autoscaling();
  try {
    await asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: group }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'ActiveInstanceRefreshNotFoundFault') return false;
    throw awsError(`cannot cancel the instance refresh of ${group}`, e);
  }
}
