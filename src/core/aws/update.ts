import type { Context } from '../context.js';
import { DeclinedError, OperationError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { deleteChangeSet, describeStack, getTemplateBody, updateStack } from '../../providers/aws/cloudformation.js';
import { imageForUpdate, openChangeSet, type Change } from './changes.js';
import { buildParameters, noEchoParameters, PLACEHOLDER_IMAGE, stackImageId, stackTags } from './parameters.js';
import { preflight, touched } from './preflight.js';
import { desiredTemplate, envStackName, outputsOf, parametersOf, sameDeployment } from './stack.js';
import { HEALTHY } from './states.js';
import { latestEventId, waitForStack } from './wait.js';
import { runDeploy } from './deploy-hook.js';

export interface UpdateResult {
  stack: string;
  changed: boolean;
  changes: Change[];
  status: string;
  outputs: Record<string, string>;
  deployed: boolean;
}

/**
 * Applies the formations and settings to the stack through a change set the operator sees and
 * confirms. When nothing differs, no change set is left behind.
 */
export async function update(ctx: Context, opts: { deploy: boolean; onChanges?: (changes: Change[]) => void }): Promise<UpdateResult> {
  const name = envStackName(ctx);
  const desired = desiredTemplate(ctx);
  await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack) {
    throw new OperationError(`stack ${name} does not exist`, { hint: `create it with \`fragctl ${ctx.env.name} commission\``, code: 'STACK_MISSING' });
  }
  if (!HEALTHY.includes(stack.StackStatus ?? '')) {
    throw new OperationError(`stack ${name} is ${stack.StackStatus}: it cannot be updated now`, {
      hint: `see \`fragctl ${ctx.env.name} status\`${stack.StackStatus?.endsWith('_IN_PROGRESS') ? ' --watch' : ''}`,
      code: `STACK_${stack.StackStatus}`,
    });
  }
  const current = parametersOf(stack);
  const imageId = await imageForUpdate(ctx, stackImageId(ctx, current));
  const parameters = await buildParameters(ctx, desired.template, imageId);
  const unchanged = (): UpdateResult => {
    success(ctx.io, 'stack.unchanged', `stack ${name} is up to date: no changes to apply`);
    return { stack: name, changed: false, changes: [], status: stack.StackStatus ?? 'UNKNOWN', outputs: outputsOf(stack), deployed: false };
  };
  // Identical template and parameters: CloudFormation has nothing to do; skip the change set.
  const body = await getTemplateBody(ctx.aws, name);
  if (sameDeployment(body, desired, current, parameters, noEchoParameters(desired.template))) return unchanged();

  const set = await openChangeSet(ctx, name, desired.body, parameters);
  if (set.empty) {
    await deleteChangeSet(ctx.aws, name, set.id);
    return unchanged();
  }
  opts.onChanges?.(set.changes);
  const summary = set.changes.length ? `${set.changes.length} resource change(s)` : 'no resource changes, only parameters or outputs';
  info(ctx.io, 'stack.changes', `stack ${name}: ${summary}`, { changes: set.changes });
  if (ctx.options.dryRun) {
    await deleteChangeSet(ctx.aws, name, set.id);
    return { stack: name, changed: false, changes: set.changes, status: stack.StackStatus ?? 'UNKNOWN', outputs: outputsOf(stack), deployed: false };
  }
  const replacing = set.changes.filter((c) => c.replacement === 'True').length;
  if (replacing) warn(ctx.io, 'stack.replacement', `${replacing} resource(s) will be replaced (their data goes with them unless snapshotted)`);
  let ok = false;
  try {
    ok = await ctx.io.confirm({ message: `apply ${summary} to ${name}${ctx.env.protected ? ' (protected environment)' : ''}?` });
  } finally {
    // The change set served the review; it never outlives the run (see apply below).
    await deleteChangeSet(ctx.aws, name, set.id);
  }
  if (!ok) throw new DeclinedError('declined: nothing was changed (the change set was deleted)', { code: 'DECLINED' });
  const since = await latestEventId(ctx, name);
  // Applied with UpdateStack from the same template and parameters the change set was computed
  // from, under the environment's lock. (ExecuteChangeSet would be the same on AWS, but moto, the
  // emulator our tests and demo run on, recreates every resource when executing one.)
  const applied = await updateStack(ctx.aws, { name, body: desired.body, parameters, tags: stackTags(ctx) });
  if (!applied) return unchanged();
  touched(ctx, `updated stack ${name}`, { stackId: stack.StackId, changeSummary: set.changes });
  const done = await waitForStack(ctx, { stack: stack.StackId ?? name, operation: 'update', sinceEventId: since, label: name });
  success(ctx.io, 'stack.updated', `stack ${name} is ${done.status}`);
  const result = { stack: name, changed: true, changes: set.changes, status: done.status, outputs: outputsOf(done.stack), deployed: false };
  return finish(ctx, result, opts.deploy);
}

async function finish(ctx: Context, result: UpdateResult, deploy: boolean): Promise<UpdateResult> {
  // Groups CloudFormation did not roll (no UpdatePolicy) get an instance refresh, watched to the end.
  if (result.changed && !ctx.options.dryRun) await (await import('./instance-refresh.js')).rollStaleGroups(ctx);
  if (deploy && !ctx.options.dryRun) result.deployed = await runDeploy(ctx);
  return result;
}
