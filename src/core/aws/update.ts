import type { Context } from '../context.js';
import { DeclinedError, OperationError } from '../errors.js';
import { stackStatusCode } from '../error-codes.js';
import { info, success, warn } from '../io.js';
import { describeStack, getTemplateBody, type Stack } from '../../providers/aws/cloudformation.js';
import { deleteChangeSet, describeChangeSet, executeChangeSet } from '../../providers/aws/changesets.js';
import { acknowledge, requiredCapabilities, type CapabilityNeed } from './capabilities.js';
import { changeInput, openChangeSet, type Change, type ParameterChange } from './changes.js';
import { noEchoParameters } from './parameters.js';
import { preflight, touched } from './preflight.js';
import { desiredTemplate, envStackName, outputsOf, parametersOf, sameDeployment } from './stack.js';
import { HEALTHY } from './states.js';
import { latestEventId, waitForStack } from './wait.js';
import { runDeploy } from './deploy-hook.js';
import { describeMeta, metaChanges, type MetaChanges } from './meta-changes.js';
import { buildParameters, PLACEHOLDER_IMAGE } from './parameters.js';

export interface UpdateResult {
  stack: string;
  changed: boolean;
  changes: Change[];
  parameters: ParameterChange[];
  capabilities: CapabilityNeed[];
  /** The change set that was reviewed (and executed, unless declined or --dry-run). */
  changeSetId?: string;
  /** Outputs and stack tags that change (a change set lists resources only); empty when nothing changes. */
  outputChanges: string[];
  tagChanges: string[];
  status: string;
  outputs: Record<string, string>;
  deployed: boolean;
}

export interface UpdateOptions {
  deploy: boolean;
  /** Shown before the confirmation: the resource and parameter changes of the change set. */
  onChanges?: (changes: Change[], parameters: ParameterChange[], more: string) => void;
}

/**
 * Applies the formations and settings to the stack through a change set: computed with property
 * values, shown, confirmed, then that very change set is executed, unless the stack changed
 * since it was computed. When nothing differs, no change set is left behind.
 */
export async function update(ctx: Context, opts: UpdateOptions): Promise<UpdateResult> {
  const name = envStackName(ctx);
  const desired = desiredTemplate(ctx);
  await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
  const needs = requiredCapabilities(desired.template);
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack) {
    throw new OperationError(`stack ${name} does not exist`, {
      hint: `create it with \`fragctl ${ctx.env.name} commission\``,
      code: 'STACK_MISSING',
    });
  }
  if (!HEALTHY.includes(stack.StackStatus ?? '')) {
    throw new OperationError(`stack ${name} is ${stack.StackStatus}: it cannot be updated now`, {
      hint: `see \`fragctl ${ctx.env.name} status\`${stack.StackStatus?.endsWith('_IN_PROGRESS') ? ' --watch' : ''}`,
      code: stackStatusCode(stack.StackStatus),
    });
  }
  const input = await changeInput(ctx, stack, desired);
  const base = { stack: name, capabilities: needs, status: stack.StackStatus ?? 'UNKNOWN', outputs: outputsOf(stack), deployed: false };
  const unchanged = (): UpdateResult => {
    success(ctx.io, 'stack.unchanged', `stack ${name} is up to date: no changes to apply`);
    return { ...base, changed: false, changes: [], parameters: [], outputChanges: [], tagChanges: [] };
  };
  // Identical template, parameters and secrets (by their hashes): nothing to do, no change set.
  const secretsSame = !input.hashes.changed.length && !input.hashes.unknown.length;
  const body = await getTemplateBody(ctx.aws, name);
  const meta = metaChanges(body, desired.template, stack, input.tags);
  if (secretsSame && sameDeployment(body, desired, parametersOf(stack), input.parameters, noEchoParameters(desired.template)))
    return unchanged();
  for (const s of input.hashes.changed)
    info(ctx.io, 'stack.secret-changed', `secret parameter ${s} changed since the stack was last updated (compared by its salted hash)`);

  const capabilities = await acknowledge(ctx, name, needs);
  const set = await openChangeSet(ctx, {
    stack: name,
    body: desired.body,
    parameters: input.parameters,
    tags: input.tags,
    capabilities,
    type: 'UPDATE',
  });
  if (set.empty) {
    await deleteChangeSet(ctx.aws, name, set.id);
    return unchanged();
  }
  opts.onChanges?.(set.changes, input.parameterChanges, describeMeta(meta));
  const summary = changeSummary(set.changes, input.parameterChanges, meta);
  info(ctx.io, 'stack.changes', `stack ${name}: ${summary}`, {
    changes: set.changes,
    parameters: input.parameterChanges,
    changeSet: set.id,
  });
  const review = { ...base, changes: set.changes, parameters: input.parameterChanges, ...meta, changeSetId: set.id };
  if (ctx.options.dryRun) {
    await deleteChangeSet(ctx.aws, name, set.id);
    return { ...review, changed: false };
  }
  const replacing = set.changes.filter((c) => c.replacement === 'True').length;
  if (replacing)
    warn(ctx.io, 'stack.replacement', `${replacing} resource(s) will be replaced (their data goes with them unless snapshotted)`);
  let ok = false;
  try {
    ok = await ctx.io.confirm({ message: `apply ${summary} to ${name}${ctx.env.protected ? ' (protected environment)' : ''}?` });
  } finally {
    if (!ok) await deleteChangeSet(ctx.aws, name, set.id);
  }
  if (!ok) throw new DeclinedError('declined: nothing was changed (the change set was deleted)', { code: 'DECLINED' });

  await refuseIfStale(ctx, stack, set.id);
  const since = await latestEventId(ctx, stack.StackId ?? name);
  await executeChangeSet(ctx.aws, name, set.id);
  touched(ctx, `executed change set ${set.id} on stack ${name}`, {
    stackId: stack.StackId,
    changeSet: set.id,
    changeSummary: set.changes,
    capabilities,
  });
  const done = await waitForStack(ctx, { stack: stack.StackId ?? name, operation: 'update', sinceEventId: since, label: name });
  success(ctx.io, 'stack.updated', `stack ${name} is ${done.status}`);
  const result: UpdateResult = { ...review, changed: true, status: done.status, outputs: outputsOf(done.stack) };
  // Groups CloudFormation did not roll (no UpdatePolicy) get an instance refresh, watched to the
  // end: only when the change touched what instances are launched from.
  if (set.changes.some((c) => LAUNCH_TYPES.has(c.type))) await rollAfterUpdate(ctx, name, done.status);
  if (opts.deploy) result.deployed = await runDeploy(ctx);
  return result;
}

/** The instance refresh after a stack update; its failure says that the stack itself was updated. */
async function rollAfterUpdate(ctx: Context, stack: string, status: string): Promise<void> {
  try {
    await (await import('./instance-refresh.js')).rollStaleGroups(ctx);
  } catch (e) {
    if (!(e instanceof OperationError) || e.code !== 'REFRESH_RUNNING') throw e;
    throw new OperationError(`stack ${stack} was updated (${status}), but its new instances were not rolled out: ${e.message}`, {
      hint: e.hint,
      code: e.code,
      details: ['the instances still run the previous launch template; the stack itself needs nothing more'],
      cause: e,
    });
  }
}

/** Resources whose change means new instances: a new image, launch template or group. */
const LAUNCH_TYPES = new Set(['AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::AutoScalingGroup']);

function changeSummary(changes: Change[], parameters: ParameterChange[], meta: MetaChanges): string {
  const more = describeMeta(meta);
  if (changes.length)
    return `${changes.length} resource change(s)${parameters.length ? ` and ${parameters.length} parameter change(s)` : ''}${more ? `; ${more}` : ''}`;
  if (parameters.length) return `no resource changes, ${parameters.length} parameter change(s)${more ? `; ${more}` : ''}`;
  return `no resource changes; ${more || 'only tags or outputs'}`;
}

/**
 * The change set was computed against the stack as it was then: if the stack was updated since
 * (LastUpdatedTime, status) or the set can no longer run (EXECUTE_AVAILABLE), it is deleted and
 * the update refused, so that what runs is what was reviewed.
 */
async function refuseIfStale(ctx: Context, before: Stack, changeSet: string): Promise<void> {
  const name = envStackName(ctx);
  const now = await describeStack(ctx.aws, before.StackId ?? name);
  const view = await describeChangeSet(ctx.aws, name, changeSet);
  const stamp = (s: Stack | undefined): string => String(s?.LastUpdatedTime?.valueOf() ?? s?.CreationTime?.valueOf() ?? '');
  const why = !now
    ? 'the stack is gone'
    : now.StackStatus !== before.StackStatus || stamp(now) !== stamp(before)
      ? `the stack changed since the review (${before.StackStatus} → ${now.StackStatus}, last updated ${now.LastUpdatedTime?.toISOString() ?? 'never'})`
      : view.status !== 'CREATE_COMPLETE' || (view.executionStatus && view.executionStatus !== 'AVAILABLE')
        ? `the change set can no longer be executed (${view.status}, ${view.executionStatus ?? 'no execution status'})`
        : undefined;
  if (!why) return;
  await deleteChangeSet(ctx.aws, name, changeSet).catch(() => undefined);
  throw new OperationError(`refused: ${why}; nothing was applied`, {
    hint: `run \`fragctl ${ctx.env.name} update\` again to review the changes as they are now`,
    code: 'CHANGESET_STALE',
  });
}
