/**
 * Stops the application before a decommission's final snapshot, so that nothing is written after
 * it: the ops repo's `stop` task when it has one (playbooks/tasks/stop.yml, e.g. stopping the app
 * and worker services on every host), then the stack's autoscaling groups scaled to zero and
 * waited for until they hold no instance.
 */
import type { Context } from '../context.js';
import { DeclinedError, InterruptedError, isFragError, OperationError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { describeGroups, scaleGroupToZero } from '../../providers/aws/autoscaling.js';
import { touched } from './preflight.js';
import { backoff, sleep } from './sleep.js';

export interface AppStopped {
  /** When the application was last seen stopped: the final snapshot must be later. */
  stoppedAt: Date;
  task?: string;
  groups: string[];
}

export const STOP_TASK = 'stop';

export async function stopApplication(ctx: Context, groups: string[]): Promise<AppStopped> {
  const { listTasks, runTask } = await import('../deploy/tasks.js');
  let task: string | undefined;
  if ((await listTasks(ctx)).some((t) => t.name === STOP_TASK)) {
    info(ctx.io, 'decommission.stop-task', `stopping the application of ${ctx.env.name}: task ${STOP_TASK}`);
    try {
      await runTask(ctx, STOP_TASK);
    } catch (e) {
      if (!isFragError(e) || e instanceof InterruptedError || e instanceof DeclinedError) throw e;
      throw new OperationError(
        `could not stop the application of ${ctx.env.name} (task ${STOP_TASK}): ${e.message}; nothing was snapshotted or deleted`,
        {
          details: e.details,
          hint: `fix that and run decommission again; if the application is already stopped, \`fragctl ${ctx.env.name} decommission --no-stop\``,
          code: 'STOP_FAILED',
          cause: e,
        },
      );
    }
    touched(ctx, `ran task ${STOP_TASK}`, { task: STOP_TASK });
    task = STOP_TASK;
  } else {
    warn(
      ctx.io,
      'decommission.no-stop-task',
      `the project has no \`${STOP_TASK}\` task: only the autoscaling groups${groups.length ? ` (${groups.join(', ')})` : ''} are stopped; instances outside them (a single app server, the knowledge server, a broker) keep running and what they write after the final snapshot is lost. Add a ${STOP_TASK} task to playbooks/tasks/tasks.yml (the reference project's tasks/stop.yml is one)`,
      { groups },
    );
  }
  for (const g of groups) await scaleGroupToZero(ctx.aws, g);
  if (groups.length) touched(ctx, `scaled ${groups.join(', ')} to zero`, { groups });
  await waitEmpty(ctx, groups);
  return { stoppedAt: new Date(), task, groups };
}

async function waitEmpty(ctx: Context, groups: string[]): Promise<void> {
  if (!groups.length) return;
  const progress = ctx.io.progress(`waiting for ${groups.join(', ')} to have no instance`);
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const found = await describeGroups(ctx.aws, groups);
    const busy = found.filter((g) => (g.Instances ?? []).length > 0 || (g.DesiredCapacity ?? 0) > 0);
    if (!busy.length) {
      progress.succeed(`application stopped: ${groups.join(', ')} at zero instances`);
      success(ctx.io, 'decommission.stopped', `application of ${ctx.env.name} stopped (${groups.join(', ')} at zero)`, { groups });
      return;
    }
    const bad = busy.find((g) => (g.DesiredCapacity ?? 0) > 0 && g.MinSize !== undefined && g.MinSize > 0);
    if (bad) {
      progress.fail();
      throw new OperationError(
        `autoscaling group ${bad.AutoScalingGroupName} did not scale to zero (min ${bad.MinSize}, desired ${bad.DesiredCapacity}); nothing was snapshotted or deleted`,
        {
          hint: 'check the group (a scaling policy or another tool may set its size), then run decommission again',
          code: 'STOP_FAILED',
        },
      );
    }
    await sleep(
      delay(),
      ctx.signal,
      () =>
        new InterruptedError('stopped waiting for the application to stop; nothing was snapshotted or deleted', {
          hint: `the groups go on scaling in; run \`fragctl ${ctx.env.name} decommission\` again`,
          code: 'WAIT_INTERRUPTED',
        }),
    );
  }
}
