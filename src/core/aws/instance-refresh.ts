/**
 * Rolling a new image onto autoscaling groups that CloudFormation did not roll: a group whose
 * instances run another launch template version than the group's (no UpdatePolicy, or one removed
 * by the project's formations) gets an instance refresh that fragctl starts and watches (percent
 * complete, instances left), and cancels on Ctrl-C with a note saying what was already replaced.
 */
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { hostName } from '../names.js';
import {
  cancelInstanceRefresh,
  describeGroups,
  describeInstanceRefresh,
  startInstanceRefresh,
  type AutoScalingGroup,
} from '../../providers/aws/autoscaling.js';
import { backoff, sleep } from './sleep.js';

export const SCALED_GROUPS = ['app', 'worker'];

export interface RefreshOutcome {
  group: string;
  refreshId: string;
  status: string;
  percent: number;
}

/** The instances of a group launched from another launch template version than the group's. */
export function staleInstances(g: AutoScalingGroup): string[] {
  const want = g.LaunchTemplate?.Version;
  if (!want || !/^\d+$/.test(want)) return []; // $Latest / $Default: CloudFormation pins a number in our formations
  return (g.Instances ?? [])
    .filter((i) => i.LaunchTemplate?.Version !== undefined && i.LaunchTemplate.Version !== want)
    .map((i) => i.InstanceId ?? '?');
}

/** After a stack update: refresh every scaled group of the environment still running an older version. */
export async function rollStaleGroups(ctx: Context): Promise<RefreshOutcome[]> {
  const app = ctx.env.settings.app_name;
  const groups = await describeGroups(
    ctx.aws,
    SCALED_GROUPS.map((g) => hostName(app, ctx.env.name, g)),
  );
  const out: RefreshOutcome[] = [];
  for (const g of groups) {
    const stale = staleInstances(g);
    if (!stale.length || !g.AutoScalingGroupName) continue;
    info(
      ctx.io,
      'refresh.needed',
      `${g.AutoScalingGroupName}: ${stale.length} instance(s) run an older launch template than version ${g.LaunchTemplate?.Version} (${stale.join(', ')})`,
    );
    out.push(await refreshGroup(ctx, g.AutoScalingGroupName));
  }
  return out;
}

/** Starts an instance refresh on `group` and watches it to the end (one call per poll). */
export async function refreshGroup(ctx: Context, group: string): Promise<RefreshOutcome> {
  const id = await startInstanceRefresh(ctx.aws, group);
  info(ctx.io, 'refresh.started', `instance refresh ${id} started on ${group} (a replacement is launched before each old instance goes)`);
  const progress = ctx.io.progress(`refreshing ${group}`);
  const delay = backoff(ctx.options.pollIntervalMs);
  let shown = '';
  for (;;) {
    const r = await describeInstanceRefresh(ctx.aws, group, id);
    const status = r?.Status ?? 'Pending';
    const percent = r?.PercentageComplete ?? 0;
    const left = r?.InstancesToUpdate;
    const line = `refreshing ${group}: ${status}, ${percent}% done${left !== undefined ? `, ${left} instance(s) to go` : ''}`;
    progress.update(line);
    if (line !== shown) info(ctx.io, 'refresh.progress', line, { group, refreshId: id, status, percent }); // logs and --json see each step once
    shown = line;
    if (status === 'Successful') {
      progress.succeed(`${group} refreshed (${id})`);
      success(ctx.io, 'refresh.done', `every instance of ${group} runs the group's launch template`);
      return { group, refreshId: id, status, percent };
    }
    if (['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed'].includes(status)) {
      progress.fail();
      throw new OperationError(
        `the instance refresh ${id} of ${group} ended ${status} at ${percent}%: ${r?.StatusReason ?? 'no reason given'}`,
        {
          hint: `see the group's "Instance refresh" tab; \`fragctl ${ctx.env.name} update\` starts a new one`,
          code: 'REFRESH_FAILED',
        },
      );
    }
    try {
      await sleep(delay(), ctx.signal, () => new InterruptedError('interrupted', { code: 'INTERRUPTED' }));
    } catch (e) {
      progress.fail();
      throw await cancelled(ctx, group, id, percent, e);
    }
  }
}

async function cancelled(ctx: Context, group: string, id: string, percent: number, cause: unknown): Promise<InterruptedError> {
  let note: string;
  try {
    const stopped = await cancelInstanceRefresh(ctx.aws, group);
    note = stopped
      ? `cancelled the instance refresh ${id} of ${group} at ${percent}%`
      : `the instance refresh ${id} of ${group} had already ended`;
  } catch (e) {
    note = `could not cancel the instance refresh ${id} of ${group} (${(e as Error).message}): it goes on`;
    warn(ctx.io, 'refresh.cancel-failed', note);
  }
  return new InterruptedError(`${note}; instances already replaced keep the new image, the others keep the old one`, {
    hint: `\`fragctl ${ctx.env.name} update\` rolls the rest`,
    code: 'INTERRUPTED',
    cause,
  });
}
