/**
 * `version-change`: a fresh pull of the image (a new tag, or the same one again): the templates
 * rendered with it and the workloads the environment names (`kubernetes.restart`; default every
 * Deployment and StatefulSet of the release) restarted like `kubectl rollout restart`, watched.
 */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { touched } from './connect.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';
import { checkTag, formatImage, parseImageRef } from './image.js';
import { planRendered, type PlanItem } from './plan.js';
import { releaseTemplates, renderChange } from './release/change.js';
import { openStack, releaseImage, requireDeployed } from './release/open.js';
import type { ImageRecord } from './release/record.js';
import { verifyImage } from './verify-image.js';

export interface VersionChangeOptions {
  tag?: string;
  wait?: boolean;
  timeoutMs?: number;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
}

export interface ChangeResult {
  env: string;
  namespace: string;
  from?: string;
  image: string;
  tag?: string;
  revision: number;
  restartedAt?: string;
  restarted: string[];
  images: ImageRecord[];
  waited: boolean;
  requests: number;
  /** --dry-run: what would change (the restarted workloads, and any object the templates changed since), nothing applied. */
  dryRun?: PlanItem[];
}

export async function versionChange(ctx: Context, options: VersionChangeOptions = {}): Promise<ChangeResult> {
  if (options.tag !== undefined) checkTag(options.tag);
  const s = await openStack(ctx);
  const current = requireDeployed(s);
  const base = releaseImage(current) ?? parseImageRef(s.stack.image);
  const image = options.tag !== undefined ? { ...base, tag: options.tag, digest: undefined } : base;
  if (!image.tag && !image.digest)
    throw new UserError(`release ${current.version} of ${s.stack.env} ran an image without a tag`, {
      hint: 'pass --tag TAG',
      code: 'IMAGE_TAG',
    });
  // Before anything changes: a tag the registry does not have would only end in ImagePullBackOff.
  const registryDigest = await verifyImage(s.stack, image);
  const wait = options.wait ?? true;
  const restart = s.stack.settings.restart ?? 'all';
  const result = (r: Pick<ChangeResult, 'revision' | 'restartedAt' | 'restarted' | 'images' | 'waited' | 'dryRun'>): ChangeResult => ({
    env: s.stack.env,
    namespace: s.stack.namespace,
    from: current.image,
    image: formatImage(image),
    tag: image.tag,
    ...r,
    requests: s.api.totalCalls(),
  });
  if (ctx.options.dryRun) {
    const rendered = await renderChange(ctx, s, { image, restart });
    const dryRun = await planRendered(ctx, s, rendered.manifests, options.forceConflicts);
    return result({ revision: current.version, restarted: rendered.restarted, images: current.images, waited: false, dryRun });
  }
  const out = await releaseTemplates(ctx, s, {
    verb: 'version-change',
    image,
    registryDigest,
    restart,
    wait,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    force: options.forceConflicts,
    onlyChanged: true,
  });
  touched(ctx, s.api, {
    platform: 'kubernetes',
    namespace: s.stack.namespace,
    objects: out.rendered.restarted,
    revision: out.release.version,
  });
  return result({
    revision: out.release.version,
    restartedAt: out.rendered.restartedAt,
    restarted: out.rendered.restarted,
    images: out.release.images,
    waited: wait,
  });
}
