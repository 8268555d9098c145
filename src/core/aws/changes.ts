import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import type { Template } from '../formations/index.js';
import { warn } from '../io.js';
import { redact } from '../redact.js';
import { describeStack, type Stack } from '../../providers/aws/cloudformation.js';
import {
  createChangeSet,
  deleteChangeSet,
  describeChangeSet,
  type ChangeSetView,
  type ResourceChangeView,
} from '../../providers/aws/changesets.js';
import { requiredCapabilities, type CapabilityNeed } from './capabilities.js';
import { imageState } from './image.js';
import { buildParameters, noEchoParameters, PLACEHOLDER_IMAGE, stackImageId, stackTags, templateParameters } from './parameters.js';
import { preflight } from './preflight.js';
import { SECRET_HASH_TAG, secretHashes, type SecretHashes } from './secret-hashes.js';
import { backoff, sleep } from './sleep.js';
import { desiredTemplate, envStackName, parametersOf, type DesiredStack } from './stack.js';
import { asText } from '../text.js';
import { getTemplateBody } from '../../providers/aws/cloudformation.js';
import { metaChanges, type MetaChanges } from './meta-changes.js';

export type Change = ResourceChangeView;

/** A stack parameter whose value changes; a secret's values are never shown. */
export interface ParameterChange {
  name: string;
  before?: string;
  after: string;
  secret: boolean;
}

export interface PreviewResult {
  stackExists: boolean;
  changes: Change[];
  parameters: ParameterChange[];
  capabilities: CapabilityNeed[];
  /** What the change set does not list: outputs and stack tags that change. */
  meta: MetaChanges;
  /** CloudFormation accepted a change set: executing it changes something, listed above or not. */
  changing: boolean;
}

/** CloudFormation's reasons for a FAILED change set that only means "nothing to change". */
export const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;
const MASK = '****';

/**
 * What `update` (or, with no stack, `commission`) would change. With a stack: a change set is
 * created, described and deleted, leaving nothing behind. Without one, the template's resources
 * whose conditions hold are listed as Add, with no AWS call that could leave anything.
 * The change set is created with the capabilities the template needs: it is only read, never
 * executed (update and commission ask the operator before passing them to anything that runs).
 */
export async function previewChanges(ctx: Context): Promise<PreviewResult> {
  const name = envStackName(ctx);
  const desired = desiredTemplate(ctx);
  const capabilities = requiredCapabilities(desired.template);
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack) {
    const params = await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
    return {
      stackExists: false,
      changes: resourcesToAdd(desired.template, params),
      parameters: [],
      capabilities,
      meta: { outputChanges: [], tagChanges: [] },
      changing: true,
    };
  }
  const input = await changeInput(ctx, stack, desired);
  const meta = metaChanges(await getTemplateBody(ctx.aws, name), desired.template, stack, input.tags);
  const set = await openChangeSet(ctx, {
    stack: name,
    body: desired.body,
    parameters: input.parameters,
    tags: input.tags,
    capabilities: capabilities.map((c) => c.capability),
    type: 'UPDATE',
  });
  try {
    return {
      stackExists: true,
      changes: set.empty ? [] : set.changes,
      parameters: input.parameterChanges,
      capabilities,
      meta,
      // Outputs and tags are not in a change set's list: a difference there is a change to apply.
      changing: !set.empty || meta.outputChanges.length > 0 || meta.tagChanges.length > 0,
    };
  } finally {
    await deleteChangeSet(ctx.aws, name, set.id);
  }
}

export interface ChangeInput {
  parameters: Record<string, string>;
  tags: Record<string, string>;
  hashes: SecretHashes;
  parameterChanges: ParameterChange[];
}

/** The parameters and tags an update passes, and how they differ from what the stack runs. */
export async function changeInput(ctx: Context, stack: Stack, desired: DesiredStack): Promise<ChangeInput> {
  const current = parametersOf(stack);
  const imageId = await imageForUpdate(ctx, stackImageId(ctx, current));
  const parameters = await buildParameters(ctx, desired.template, imageId);
  const secrets = noEchoParameters(desired.template);
  const hashes = secretHashes(parameters, secrets, stack.Tags?.find((t) => t.Key === SECRET_HASH_TAG)?.Value);
  const tags = { ...stackTags(ctx), ...(hashes.tag ? { [SECRET_HASH_TAG]: hashes.tag } : {}) };
  const parameterChanges: ParameterChange[] = [];
  for (const [k, after] of Object.entries(parameters)) {
    if (secrets.includes(k)) {
      if (hashes.changed.includes(k)) parameterChanges.push({ name: k, before: MASK, after: MASK, secret: true });
      continue;
    }
    if (current[k] !== after) parameterChanges.push({ name: k, before: current[k], after, secret: false });
  }
  return { parameters, tags, hashes, parameterChanges };
}

/** The image an update should run: the one baked from the current inputs, else the stack's. */
export async function imageForUpdate(ctx: Context, stackImage: string | undefined): Promise<string> {
  const state = await imageState(ctx);
  if (!state.needsBake && state.current) return state.current.imageId;
  if (stackImage)
    warn(
      ctx.io,
      'image.stale',
      `keeping image ${stackImage}: ${state.reason}; \`fragctl ${ctx.env.name} bake\` first to roll out a new image`,
    );
  return stackImage ?? state.current?.imageId ?? PLACEHOLDER_IMAGE;
}

export interface OpenChangeSet extends ChangeSetView {
  id: string;
  /** CloudFormation found nothing to change (a FAILED change set whose reason says so). */
  empty: boolean;
}

export interface OpenChangeSetInput {
  stack: string;
  body: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  type: 'UPDATE' | 'CREATE';
}

/**
 * Creates a change set and waits until CloudFormation has computed it (one call per poll).
 * CREATE_COMPLETE with no resource changes is a parameter-, tag- or output-only change: still a
 * change to apply. FAILED is an error unless CloudFormation's reason says there is nothing to
 * change; a failed set is deleted either way. Secret values are masked in what it returns.
 */
export async function openChangeSet(ctx: Context, input: OpenChangeSetInput): Promise<OpenChangeSet> {
  const name = `fragctl-${Date.now().toString(36)}`;
  const id = await createChangeSet(ctx.aws, { ...input, name });
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const view = await describeChangeSet(ctx.aws, input.stack, id);
    if (view.status === 'CREATE_COMPLETE') return { ...masked(view, input.parameters), id, empty: false };
    if (view.status === 'FAILED') {
      if (NO_CHANGES.test(view.reason ?? '')) return { ...masked(view, input.parameters), id, empty: true };
      await deleteChangeSet(ctx.aws, input.stack, id).catch(() => undefined);
      throw new OperationError(`CloudFormation could not compute the changes: ${view.reason ?? 'no reason given'}`, {
        hint: /capabilit/i.test(view.reason ?? '')
          ? 'the template needs a capability fragctl did not find: see "Capabilities" in docs/aws-changes.md'
          : undefined,
        code: 'CHANGESET_FAILED',
      });
    }
    await sleep(delay(), ctx.signal, () => {
      void deleteChangeSet(ctx.aws, input.stack, id).catch(() => undefined);
      return new InterruptedError('stopped while CloudFormation computed the change set (nothing was changed)', {
        hint: 'run the command again',
        code: 'WAIT_INTERRUPTED',
      });
    });
  }
}

/** Masks secret values in property before/after values: NoEcho parameters, registered secrets, secret-looking paths. */
function masked(view: ChangeSetView, parameters: Record<string, string>): ChangeSetView {
  const secretValues = Object.entries(view.parameters)
    .filter(([k, v]) => v === MASK || /password|secret/i.test(k))
    .map(([k]) => parameters[k])
    .filter((v): v is string => !!v);
  const hide = (path: string, v: string | undefined): string | undefined => {
    if (v === undefined) return v;
    if (/password|secret|token|privatekey/i.test(path) || secretValues.some((s) => v.includes(s))) return MASK;
    return redact(v);
  };
  return {
    ...view,
    changes: view.changes.map((c) => ({
      ...c,
      properties: c.properties.map((p) => ({ ...p, before: hide(p.path, p.before), after: hide(p.path, p.after) })),
    })),
  };
}

/** The resources a create would add: those without a condition or whose condition holds. */
export function resourcesToAdd(template: Template, params: Record<string, string>): Change[] {
  const values: Record<string, string> = {};
  for (const [k, p] of Object.entries(templateParameters(template))) if (p.Default !== undefined) values[k] = asText(p.Default);
  Object.assign(values, params);
  const conditions = (template.Conditions as Record<string, unknown> | undefined) ?? {};
  const memo = new Map<string, boolean>();
  const holds = (name: string): boolean => {
    if (!memo.has(name)) memo.set(name, evaluate(conditions[name], values, holds));
    return memo.get(name)!;
  };
  return Object.entries((template.Resources as Record<string, { Type?: string; Condition?: string }>) ?? {})
    .filter(([, r]) => !r.Condition || holds(r.Condition))
    .map(([logicalId, r]) => ({ action: 'Add', logicalId, type: r.Type ?? '?', replacement: '-', properties: [] }));
}

function evaluate(node: unknown, values: Record<string, string>, holds: (c: string) => boolean): boolean {
  const value = (n: unknown): unknown => {
    if (n && typeof n === 'object' && 'Ref' in n) return values[String(n.Ref)];
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
