import type { Context } from '../context.js';
import { DeclinedError, OperationError, UserError } from '../errors.js';
import { stackStatusCode } from '../error-codes.js';
import { info, success, warn } from '../io.js';
import {
  createStack,
  deleteStack,
  describeStack,
  getTemplateBody,
  stackEventsSince,
  type Stack,
} from '../../providers/aws/cloudformation.js';
import { bake, bakeChecks } from './bake.js';
import { imageInputsHash, imageState, type AmiRef } from './image.js';
import { buildParameters, noEchoParameters, PLACEHOLDER_IMAGE, stackImageId, stackTags } from './parameters.js';
import { checkKeyFile, preflight, touched } from './preflight.js';
import { desiredTemplate, envStackName, outputsOf, parametersOf, sameDeployment } from './stack.js';
import { FAILED_CREATE, HEALTHY, isInProgress } from './states.js';
import { failureReasons, latestEventId, waitForStack } from './wait.js';
import { runDeploy } from './deploy-hook.js';
import { deployPreflight } from './deploy-preflight.js';
import { acknowledge, requiredCapabilities } from './capabilities.js';
import { ensureProtection } from './protection.js';
import { SECRET_HASH_TAG, secretHashes } from './secret-hashes.js';

const secretTag = (parameters: Record<string, string>, secrets: string[]): Record<string, string> => {
  const { tag } = secretHashes(parameters, secrets, undefined);
  return tag ? { [SECRET_HASH_TAG]: tag } : {};
};

export interface CommissionOptions {
  deploy: boolean;
  replaceFailed?: boolean;
}

export interface CommissionResult {
  stack: string;
  stackId?: string;
  status: string;
  created: boolean;
  upToDate?: boolean;
  /** --dry-run: nothing was created; the stack would be. */
  dryRun?: boolean;
  image?: AmiRef;
  outputs: Record<string, string>;
  deployed: boolean;
}

/**
 * The local checks of commission (template, parameters, key file, image inputs, the image
 * playbook a bake would run, and the plays of the deploy that follows): no AWS call, no write.
 * The CLI runs them before the lock, so bad input never creates the state table.
 */
export async function commissionChecks(ctx: Context, opts: Pick<CommissionOptions, 'deploy'>): Promise<void> {
  const desired = desiredTemplate(ctx);
  const checked = await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
  checkKeyFile(ctx);
  await bakeChecks(ctx);
  if (opts.deploy) await deployPreflight(ctx, desired.template, checked);
}

export async function commission(ctx: Context, opts: CommissionOptions): Promise<CommissionResult> {
  const name = envStackName(ctx);
  const desired = desiredTemplate(ctx);
  // Everything that can be checked locally is checked before the first AWS call.
  const checked = await buildParameters(ctx, desired.template, PLACEHOLDER_IMAGE);
  checkKeyFile(ctx);
  imageInputsHash(ctx);
  await preflight(ctx);
  let existing = await describeStack(ctx.aws, name);

  if (existing && HEALTHY.includes(existing.StackStatus ?? '')) return alreadyThere(ctx, existing, desired, opts);
  // The deploy that follows must find a host for every play before anything is baked or created.
  if (opts.deploy) await deployPreflight(ctx, desired.template, checked);
  if (existing && isInProgress(existing.StackStatus ?? '')) {
    throw new OperationError(`stack ${name} is busy: ${existing.StackStatus}`, {
      hint: `wait for it with \`fragctl ${ctx.env.name} status --watch\`, then run commission again`,
      code: 'STACK_BUSY',
    });
  }
  if (existing && FAILED_CREATE.includes(existing.StackStatus ?? '')) {
    await replaceFailed(ctx, existing, !!opts.replaceFailed);
    existing = undefined;
  } else if (existing) {
    throw new OperationError(`stack ${name} is ${existing.StackStatus}; commission cannot continue from there`, {
      hint: `see \`fragctl ${ctx.env.name} status\``,
      code: stackStatusCode(existing.StackStatus),
    });
  }

  // Capabilities are acknowledged before anything is baked or created; declining changes nothing.
  const capabilities = await acknowledge(ctx, name, requiredCapabilities(desired.template));
  const state = await imageState(ctx);
  let image = state.current;
  if (state.needsBake) image = (await bake(ctx)).image;
  if (ctx.options.dryRun) {
    info(ctx.io, 'stack.dry-run', `would create stack ${name} from ${Object.keys(desired.template.Resources as object).length} resources`);
    return { stack: name, status: 'NONE', created: false, dryRun: true, image, outputs: {}, deployed: false };
  }
  if (!image) throw new OperationError('no image to start the stack from', { code: 'IMAGE_MISSING' });
  const parameters = await buildParameters(ctx, desired.template, image.imageId);
  info(ctx.io, 'stack.create', `creating stack ${name} (image ${image.imageId}${ctx.env.protected ? ', termination protection on' : ''})`);
  const stackId = await createStack(ctx.aws, {
    name,
    body: desired.body,
    parameters,
    tags: { ...stackTags(ctx), ...secretTag(parameters, noEchoParameters(desired.template)) },
    terminationProtection: ctx.env.protected,
    capabilities,
  });
  touched(ctx, `created stack ${name}`, { stackId });
  const done = await waitForStack(ctx, { stack: stackId, operation: 'create', label: name });
  const outputs = outputsOf(done.stack);
  success(ctx.io, 'stack.created', `stack ${name} is ${done.status}`, { outputs });
  const deployed = opts.deploy ? await runDeploy(ctx) : false;
  return { stack: name, stackId, status: done.status, created: true, image, outputs, deployed };
}

async function alreadyThere(
  ctx: Context,
  stack: Stack,
  desired: ReturnType<typeof desiredTemplate>,
  opts: CommissionOptions,
): Promise<CommissionResult> {
  const name = envStackName(ctx);
  const current = parametersOf(stack);
  const imageId = stackImageId(ctx, current);
  const wanted = await buildParameters(ctx, desired.template, imageId ?? PLACEHOLDER_IMAGE);
  const body = await getTemplateBody(ctx.aws, name);
  const same = sameDeployment(body, desired, current, wanted, noEchoParameters(desired.template));
  await ensureProtection(ctx, stack);
  info(ctx.io, 'stack.exists', `stack ${name} already exists and is ${stack.StackStatus}: nothing to create, nothing changed`);
  if (!same)
    warn(
      ctx.io,
      'stack.drift',
      `the formations or settings differ from what the stack runs: \`fragctl ${ctx.env.name} update\` applies them`,
    );
  const deployed = opts.deploy && !ctx.options.dryRun ? await runDeploy(ctx) : false;
  return {
    stack: name,
    stackId: stack.StackId,
    status: stack.StackStatus ?? 'UNKNOWN',
    created: false,
    upToDate: same,
    image: imageId ? { imageId, name: imageId } : undefined,
    outputs: outputsOf(stack),
    deployed,
  };
}

async function replaceFailed(ctx: Context, stack: Stack, replace: boolean): Promise<void> {
  const name = envStackName(ctx);
  const reasons = failureReasons(await stackEventsSince(ctx.aws, stack.StackId ?? name));
  const why = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
  if (!replace) {
    throw new OperationError(`stack ${name} is ${stack.StackStatus}${why}: an earlier commission failed and nothing usable is left`, {
      details: reasons.map((r) => `caused by ${r}`),
      hint: `fix the cause, then \`fragctl ${ctx.env.name} commission --replace-failed\` deletes the failed stack and creates it again`,
      code: stackStatusCode(stack.StackStatus),
    });
  }
  if (stack.EnableTerminationProtection) {
    throw new UserError(`stack ${name} has termination protection on`, {
      hint: `\`fragctl ${ctx.env.name} decommission --force-protected\` turns it off and deletes the stack`,
      code: 'STACK_PROTECTED',
    });
  }
  if (ctx.options.dryRun) {
    info(ctx.io, 'stack.dry-run', `would delete the failed stack ${name} and create it again`);
    return;
  }
  const ok = await ctx.io.confirm({ message: `delete the failed stack ${name} (${stack.StackStatus}) and create it again?` });
  if (!ok) throw new DeclinedError('declined: the failed stack was left as it is', { code: 'DECLINED' });
  const since = await latestEventId(ctx, stack.StackId ?? name);
  await deleteStack(ctx.aws, stack.StackId ?? name);
  touched(ctx, `deleted failed stack ${name}`, { stackId: stack.StackId });
  await waitForStack(ctx, { stack: stack.StackId ?? name, operation: 'delete', sinceEventId: since, label: name });
}
