import type { Context } from '../context.js';
import { OperationError } from '../errors.js';
import type { Template } from '../formations/index.js';
import {
  createChangeSet,
  deleteChangeSet,
  describeChangeSet,
  describeStack,
  type ChangeSetView,
} from '../../providers/aws/cloudformation.js';
import { imageState } from './image.js';
import { buildParameters, PLACEHOLDER_IMAGE, stackImageId, stackTags, templateParameters } from './parameters.js';
import { backoff, sleep } from './sleep.js';
import { desiredTemplate, envStackName, parametersOf } from './stack.js';
import { preflight } from './preflight.js';
import { InterruptedError } from '../errors.js';
import { warn } from '../io.js';

export interface Change {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
}

export interface PreviewResult {
  stackExists: boolean;
  changes: Change[];
}

const NO_CHANGES = /didn't contain changes|No updates are to be performed|no changes/i;

/**
 * What `update` (or, with no stack, `commission`) would change. With a stack: a change set is
 * created, described and deleted, leaving nothing behind. Without one, the template's resources
 * whose conditions hold are listed as Add, with no AWS call that could leave anything.
 */
export async function previewChanges(ctx: Context): Promise<PreviewResult> {
  const name = envStackName(ctx);
  const desired = desiredTemplate(ctx);
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack) {
    const params = await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
    return { stackExists: false, changes: resourcesToAdd(desired.template, params) };
  }
  const imageId = await imageForUpdate(ctx, stackImageId(ctx, parametersOf(stack)));
  const parameters = await buildParameters(ctx, desired.template, imageId);
  const set = await openChangeSet(ctx, name, desired.body, parameters);
  try {
    return { stackExists: true, changes: set.changes };
  } finally {
    await deleteChangeSet(ctx.aws, name, set.id);
  }
}

/** The image an update should run: the one baked from the current inputs, else the stack's. */
export async function imageForUpdate(ctx: Context, stackImage: string | undefined): Promise<string> {
  const state = await imageState(ctx);
  if (!state.needsBake && state.current) return state.current.imageId;
  if (stackImage) warn(ctx.io, 'image.stale', `keeping image ${stackImage}: ${state.reason}; \`fragctl ${ctx.env.name} bake\` first to roll out a new image`);
  return stackImage ?? state.current?.imageId ?? PLACEHOLDER_IMAGE;
}

export interface OpenChangeSet extends ChangeSetView {
  id: string;
  /** CloudFormation found nothing to change. */
  empty: boolean;
}

/** Creates a change set and waits until CloudFormation has computed it. */
export async function openChangeSet(ctx: Context, stack: string, body: string, parameters: Record<string, string>): Promise<OpenChangeSet> {
  const name = `fragctl-${Date.now().toString(36)}`;
  const id = await createChangeSet(ctx.aws, { stack, name, body, parameters, tags: stackTags(ctx) });
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const view = await describeChangeSet(ctx.aws, stack, id);
    // A computed change set with no resource changes still changes parameters or outputs
    // (AWS fails a change set that changes nothing at all; moto never lists update changes).
    if (view.status === 'CREATE_COMPLETE') return { ...view, id, empty: false };
    if (view.status === 'FAILED') {
      if (NO_CHANGES.test(view.reason ?? '') || view.changes.length === 0) return { ...view, id, empty: true };
      await deleteChangeSet(ctx.aws, stack, id).catch(() => undefined);
      throw new OperationError(`CloudFormation could not compute the changes: ${view.reason ?? 'no reason given'}`, { code: 'CHANGESET_FAILED' });
    }
    await sleep(delay(), ctx.signal, () => {
      void deleteChangeSet(ctx.aws, stack, id).catch(() => undefined);
      return new InterruptedError('stopped while CloudFormation computed the change set (nothing was changed)', { hint: 'run the command again', code: 'WAIT_INTERRUPTED' });
    });
  }
}

/** The resources a create would add: those without a condition or whose condition holds. */
export function resourcesToAdd(template: Template, params: Record<string, string>): Change[] {
  const values: Record<string, string> = {};
  for (const [k, p] of Object.entries(templateParameters(template))) if (p.Default !== undefined) values[k] = String(p.Default);
  Object.assign(values, params);
  const conditions = (template.Conditions as Record<string, unknown> | undefined) ?? {};
  const memo = new Map<string, boolean>();
  const holds = (name: string): boolean => {
    if (!memo.has(name)) memo.set(name, evaluate(conditions[name], values, holds));
    return memo.get(name)!;
  };
  return Object.entries((template.Resources as Record<string, { Type?: string; Condition?: string }>) ?? {})
    .filter(([, r]) => !r.Condition || holds(r.Condition))
    .map(([logicalId, r]) => ({ action: 'Add', logicalId, type: r.Type ?? '?', replacement: '-' }));
}

function evaluate(node: unknown, values: Record<string, string>, holds: (c: string) => boolean): boolean {
  const value = (n: unknown): unknown => {
    if (n && typeof n === 'object' && 'Ref' in n) return values[String((n as { Ref: unknown }).Ref)];
    return n;
  };
  if (!node || typeof node !== 'object') return true; // unknown shapes: assume the resource is there
  const [fn, args] = Object.entries(node)[0] ?? [];
  const list = Array.isArray(args) ? args : [];
  switch (fn) {
    case 'Fn::Equals':
      return String(value(list[0])) === String(value(list[1]));
    case 'Fn::Not':
      return !evaluate(list[0], values, holds);
    case 'Fn::And':
      return list.every((a) => evaluate(a, values, holds));
    case 'Fn::Or':
      return list.some((a) => evaluate(a, values, holds));
    case 'Condition':
      return holds(String(args));
    default:
      return true;
  }
}
