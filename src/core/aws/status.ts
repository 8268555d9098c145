import type { Context } from '../context.js';
import { info } from '../io.js';
import { describeStack, stackEventsSince } from '../../providers/aws/cloudformation.js';
import { describeImages, describeInstances, tagOf } from '../../providers/aws/ec2.js';
import { envStackName, outputsOf, parametersOf } from './stack.js';
import { stackImageId } from './parameters.js';
import { isInProgress, type StackOperation } from './states.js';
import { eventData, waitForStack } from './wait.js';
import { preflight } from './preflight.js';
import { hostName } from '../names.js';
import { describeGroups } from '../../providers/aws/autoscaling.js';

export interface StatusResult {
  environment: string;
  stack: string;
  exists: boolean;
  status?: string;
  reason?: string;
  protected?: boolean;
  events: Array<Record<string, unknown>>;
  outputs: Record<string, string>;
  image?: { imageId: string; name?: string; created?: string; ageDays?: number };
  hosts: Record<string, Array<{ id: string; state?: string; address?: string; privateAddress?: string }>>;
  /** Autoscaling groups by group name (`<app>-<env>-<group>`): their sizes. */
  scaling: Record<string, { name: string; desired?: number; min?: number; max?: number; instances: number }>;
}

const SCALED_GROUPS = ['app', 'worker'];

const LAST_EVENTS = 10;

export async function status(ctx: Context, opts: { watch?: boolean } = {}): Promise<StatusResult> {
  const name = envStackName(ctx);
  await preflight(ctx);
  let stack = await describeStack(ctx.aws, name);
  if (opts.watch && stack && isInProgress(stack.StackStatus ?? '')) {
    const operation: StackOperation = stack.StackStatus!.startsWith('DELETE')
      ? 'delete'
      : stack.StackStatus!.startsWith('CREATE') || stack.StackStatus === 'ROLLBACK_IN_PROGRESS'
        ? 'create'
        : 'update';
    info(ctx.io, 'status.watch', `following ${name} (${stack.StackStatus}); Ctrl-C stops watching`);
    const since = (await stackEventsSince(ctx.aws, stack.StackId ?? name, undefined, 1)).at(-1)?.EventId;
    try {
      await waitForStack(ctx, { stack: stack.StackId ?? name, operation, sinceEventId: since, label: name });
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode === 130) throw e;
      // a failure is part of the status shown below
    }
    stack = await describeStack(ctx.aws, stack.StackId ?? name);
    if (stack?.StackStatus === 'DELETE_COMPLETE') stack = undefined;
  }
  const result: StatusResult = { environment: ctx.env.name, stack: name, exists: !!stack, events: [], outputs: {}, hosts: {}, scaling: {} };
  if (!stack) return result;
  result.status = stack.StackStatus;
  result.reason = stack.StackStatusReason;
  result.protected = !!stack.EnableTerminationProtection;
  result.outputs = outputsOf(stack);
  result.events = (await stackEventsSince(ctx.aws, stack.StackId ?? name, undefined, 1)).slice(-LAST_EVENTS).map(eventData);
  const imageId = stackImageId(ctx, parametersOf(stack));
  if (imageId) {
    const [image] = await describeImages(ctx.aws, [], [imageId]);
    const created = image?.CreationDate;
    result.image = {
      imageId,
      name: image?.Name,
      created,
      ageDays: created ? Math.floor((Date.now() - Date.parse(created)) / 86_400_000) : undefined,
    };
  }
  const instances = await describeInstances(ctx.aws, [
    { Name: 'tag:App', Values: [ctx.env.settings.app_name] },
    { Name: 'tag:Env', Values: [ctx.env.name] },
    { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
  ]);
  const app = ctx.env.settings.app_name;
  const groups = await describeGroups(
    ctx.aws,
    SCALED_GROUPS.map((g) => hostName(app, ctx.env.name, g)),
  );
  for (const g of groups) {
    const group = SCALED_GROUPS.find((x) => g.AutoScalingGroupName === hostName(app, ctx.env.name, x)) ?? g.AutoScalingGroupName ?? '?';
    result.scaling[group] = {
      name: g.AutoScalingGroupName ?? '?',
      desired: g.DesiredCapacity,
      min: g.MinSize,
      max: g.MaxSize,
      instances: g.Instances?.length ?? 0,
    };
  }
  for (const i of instances) {
    const group = tagOf(i.Tags, 'Group') ?? 'ungrouped';
    (result.hosts[group] ??= []).push({
      id: i.InstanceId ?? '?',
      state: i.State?.Name,
      address: i.PublicDnsName || i.PublicIpAddress,
      privateAddress: i.PrivateIpAddress,
    });
  }
  return result;
}
