/**
 * `deploy` on Kubernetes: the ops project's templates rendered and applied as a new release
 * (server-side apply, field manager fragctl, kubectl's order, prune of what left the templates),
 * every workload waited for, the release recorded in the cluster. `--atomic` rolls back to the
 * previous release by itself when the new one does not become ready.
 */
import type { Context } from '../context.js';
import { success } from '../io.js';
import { chosenImage, noTag, type ImageChoice } from './choose-image.js';
import { touched } from './connect.js';
import { formatImage, shownTag } from './image.js';
import { planRendered, type PlanItem } from './plan.js';
import { renderChange, releaseTemplates } from './release/change.js';
import { openStack, releaseImage } from './release/open.js';
import type { ImageRecord } from './release/record.js';
import { verifyImage } from './verify-image.js';

export interface DeployOptions extends ImageChoice {
  timeoutMs?: number;
  atomic?: boolean;
  adopt?: boolean;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
  /** The image the CLI already checked in the registry before taking the lock, and its digest. */
  verified?: { image: string; digest?: string };
}

export interface KubeDeployResult {
  env: string;
  namespace: string;
  url?: string;
  image: string;
  tag?: string;
  digest?: string;
  revision?: number;
  images?: ImageRecord[];
  secretsCreated: string[];
  objects: Array<{ kind: string; name: string }>;
  pruned?: Array<{ kind: string; name: string }>;
  adopted?: boolean;
  dryRun?: PlanItem[];
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export async function deployKube(ctx: Context, options: DeployOptions = {}): Promise<KubeDeployResult> {
  const s = await openStack(ctx, { adopt: options.adopt });
  const { stack } = s;
  const image = chosenImage(stack, options) ?? releaseImage(s.history.at(-1));
  if (!image) throw noTag(stack);
  const registryDigest = options.verified?.image === formatImage(image) ? options.verified.digest : await verifyImage(stack, image);
  const rendered = await renderChange(ctx, s, { image });
  const objects = rendered.manifests.map((m) => ({ kind: m.kind, name: m.metadata.name }));
  const base = { env: stack.env, namespace: stack.namespace, image: formatImage(image), tag: image.tag, digest: image.digest, objects };
  if (ctx.options.dryRun) {
    return { ...base, url: stack.url, secretsCreated: [], dryRun: await planRendered(ctx, s, rendered.manifests, options.forceConflicts) };
  }
  try {
    const out = await releaseTemplates(
      ctx,
      s,
      {
        verb: 'deploy',
        image,
        registryDigest,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        atomic: options.atomic,
        force: options.forceConflicts,
      },
      rendered,
    );
    const url = out.url ?? stack.url;
    success(
      ctx.io,
      'kube.deployed',
      `${shownTag(image)} is served at ${url} from namespace ${stack.namespace} (release ${out.release.version})`,
      { namespace: stack.namespace, url },
    );
    touched(ctx, s.api, {
      platform: 'kubernetes',
      namespace: stack.namespace,
      objects,
      pruned: out.pruned,
      secretsCreated: out.secretsCreated,
      revision: out.release.version,
      adopted: s.adopting || undefined,
    });
    const digest = image.digest ?? out.release.images.find((i) => i.image === formatImage(image))?.digest;
    return {
      ...base,
      url,
      digest,
      revision: out.release.version,
      images: out.release.images,
      secretsCreated: out.secretsCreated,
      pruned: out.pruned,
      ...(s.adopting ? { adopted: true } : {}),
    };
  } catch (e) {
    touched(ctx, s.api, { platform: 'kubernetes', namespace: stack.namespace, failed: true });
    throw e;
  }
}
