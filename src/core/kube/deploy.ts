/**
 * `deploy` on Kubernetes: the stack's objects applied with server-side apply (field manager
 * fragctl), secrets made once, the rollout waited for with a watch, the deploy recorded in the
 * cluster's history.
 */
import type { Context } from '../context.js';
import { success } from '../io.js';
import { replaceStuckPods } from './change-image.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { recordHistory } from './history.js';
import { formatImage, shownTag } from './image.js';
import { namespaceManifest, stackManifests } from './manifests.js';
import { planKube, type PlanItem } from './plan.js';
import { preflight } from './preflight.js';
import { waitForRollout } from './rollout.js';
import { deployedDigest } from './digest.js';
import { verifyImage } from './verify-image.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { ensureSecrets } from './secrets.js';
import { APP, APP_SELECTOR, DATABASE, resolveStack } from './stack.js';
import { chosenImage, noTag, runningImage, type ImageChoice } from './target-image.js';

export interface DeployOptions extends ImageChoice {
  timeoutMs?: number;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
  /** The image the CLI already checked in the registry before taking the lock, and its digest. */
  verified?: { image: string; digest?: string };
}

export interface DeployResult {
  env: string;
  namespace: string;
  url: string;
  image: string;
  tag?: string;
  digest?: string;
  revision?: number;
  secretsCreated: string[];
  objects: Array<{ kind: string; name: string }>;
  dryRun?: PlanItem[];
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export async function deployKube(ctx: Context, options: DeployOptions = {}): Promise<DeployResult> {
  const stack = resolveStack(ctx.env);
  let image = chosenImage(stack, options);
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  const running = ns ? await runningImage(api, stack) : { exists: false as const };
  image ??= running.image;
  if (!image) throw noTag(stack);
  const registryDigest = options.verified?.image === formatImage(image) ? options.verified.digest : await verifyImage(stack, image);
  const opts = { image, restartedAt: running.exists ? running.restartedAt : undefined };
  const manifests = [namespaceManifest(stack), ...stackManifests(stack, opts)];
  const objects = manifests.map((m) => ({ kind: m.kind, name: m.metadata.name }));
  const base = { env: stack.env, namespace: stack.namespace, url: stack.url, image: formatImage(image), tag: image.tag, digest: image.digest };
  if (ctx.options.dryRun) {
    const plan = await planKube(ctx, options);
    return { ...base, secretsCreated: [], objects, dryRun: plan };
  }

  const force = options.forceConflicts;
  await preflight(api, manifests, { force, namespaceExists: !!ns });
  const progress = ctx.io.progress(`deploying ${formatImage(image)} to namespace ${stack.namespace}`);
  try {
    await api.apply(namespaceManifest(stack), { force });
    const secretsCreated = await ensureSecrets(api, stack);
    const applied = new Map<string, KubeObject>();
    for (const m of manifests.slice(1)) applied.set(`${m.kind}/${m.metadata.name}`, await api.apply(m, { force }));
    if (running.exists && running.healthy === false) await replaceStuckPods(ctx, api, stack);
    progress.update('objects applied; waiting for the rollout');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const waits = [waitForRollout(ctx, api, stack.namespace, APP, { timeoutMs, progress, initial: applied.get(`StatefulSet/${APP}`) })];
    if (stack.database === 'internal') waits.push(waitForRollout(ctx, api, stack.namespace, DATABASE, { timeoutMs }));
    await Promise.all(waits);
    const { digest, digestSource } = await deployedDigest(api, stack.namespace, APP_SELECTOR, APP, { image: formatImage(image), pinned: image.digest, registry: registryDigest });
    const entry = await recordHistory(api, stack, { verb: 'deploy', image: formatImage(image), tag: image.tag, digest, digestSource });
    progress.succeed(`deployed ${shownTag(image)} to ${stack.namespace} (revision ${entry.revision})`);
    success(ctx.io, 'kube.deployed', `${stack.url} is served from namespace ${stack.namespace}`, { namespace: stack.namespace, url: stack.url });
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects, secretsCreated, revision: entry.revision });
    return { ...base, digest, revision: entry.revision, secretsCreated, objects };
  } catch (e) {
    progress.fail(`deploy to ${stack.namespace} failed`);
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, failed: true });
    throw e;
  }
}
