/** `version-change`: a fresh pull of the image (new tag or the same one), rolled out pod by pod. */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { changeImage, deployedStack, type ChangeResult } from './change-image.js';
import { checkTag, parseImageRef } from './image.js';
import { resolveStack } from './stack.js';
import { verifyImage } from './verify-image.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';

export interface VersionChangeOptions {
  tag?: string;
  wait?: boolean;
  timeoutMs?: number;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
}

export async function versionChange(ctx: Context, options: VersionChangeOptions = {}): Promise<ChangeResult> {
  const stack = resolveStack(ctx.env);
  if (options.tag !== undefined) checkTag(options.tag);
  const current = await deployedStack(ctx, stack);
  const base = current.image ?? parseImageRef(stack.image);
  const image = options.tag !== undefined ? { ...base, tag: options.tag, digest: undefined } : base;
  if (!image.tag && !image.digest) {
    throw new UserError(`the app in ${stack.namespace} runs an image without a tag`, { hint: 'pass --tag TAG', code: 'IMAGE_TAG' });
  }
  // Before anything changes: a tag the registry does not have would only end in ImagePullBackOff.
  const registryDigest = await verifyImage(stack, image);
  return changeImage(ctx, stack, current.api, current, image, {
    registryDigest,
    verb: 'version-change',
    restart: true,
    wait: options.wait ?? true,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    force: options.forceConflicts,
  });
}
