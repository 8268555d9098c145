/**
 * Pointing the app StatefulSet at an image (version-change, rollback, promote): one server-side
 * apply of the whole app StatefulSet with the new image and, when asked, a fresh restart
 * annotation like `kubectl rollout restart`; then the rollout is watched pod by pod.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { recordHistory, type HistoryEntry } from './history.js';
import { formatImage, shownTag, type ImageRef } from './image.js';
import { appStatefulSet } from './manifests.js';
import { podReason, waitForRollout } from './rollout.js';
import { deployedDigest, type DigestSource } from './digest.js';
import { warn } from '../io.js';
import { APP, APP_SELECTOR, type KubeStack } from './stack.js';
import { runningImage } from './target-image.js';

export interface ChangeOptions {
  verb: string;
  /** Set the restart annotation to now (forces new pods even when the image is the same). */
  restart: boolean;
  wait: boolean;
  timeoutMs: number;
  note?: string;
  /** Take fields that another field manager owns (server-side apply with force). */
  force?: boolean;
  /** The digest the registry gave for the tag when it was checked. */
  registryDigest?: string;
}

export interface ChangeResult {
  env: string;
  namespace: string;
  from?: string;
  image: string;
  tag?: string;
  digest?: string;
  revision: number;
  restartedAt?: string;
  waited: boolean;
  requests: number;
}

/** The API client and the running image of a deployed stack; refuses a stack that is not deployed. */
export interface Running {
  api: KubeClient;
  image?: ImageRef;
  restartedAt?: string;
  healthy?: boolean;
}

export async function deployedStack(ctx: Context, stack: KubeStack): Promise<Running> {
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  const running = ns ? await runningImage(api, stack) : { exists: false as const };
  if (!running.exists) {
    throw new UserError(`${stack.env} is not deployed: no app StatefulSet in namespace ${stack.namespace}`, {
      hint: `run fragctl ${stack.env} deploy first`,
      code: 'KUBE_NOT_DEPLOYED',
    });
  }
  return { api, image: running.image, restartedAt: running.restartedAt, healthy: running.healthy };
}

export async function changeImage(ctx: Context, stack: KubeStack, api: KubeClient, current: Omit<Running, 'api'>, image: ImageRef, o: ChangeOptions): Promise<ChangeResult> {
  const restartedAt = o.restart ? new Date().toISOString() : current.restartedAt;
  const progress = ctx.io.progress(`${o.verb}: ${stack.namespace} ${current.image ? shownTag(current.image) : '?'} → ${shownTag(image)}`);
  let entry: HistoryEntry | undefined;
  try {
    // One object, so no dry run first: an invalid object or a conflict (409) stops here, before
    // any change, and names the field and its manager.
    const applied = await api.apply(appStatefulSet(stack, { image, restartedAt }), { force: o.force });
    if (current.healthy === false) await replaceStuckPods(ctx, api, stack);
    const record = (d: { digest?: string; digestSource?: DigestSource }) => recordHistory(api, stack, { verb: o.verb, image: formatImage(image), tag: image.tag, ...d, ...(o.note ? { note: o.note } : {}) });
    if (o.wait) {
      await waitForRollout(ctx, api, stack.namespace, APP, { timeoutMs: o.timeoutMs, progress, initial: applied });
      entry = await record(await deployedDigest(api, stack.namespace, APP_SELECTOR, APP, { image: formatImage(image), pinned: image.digest, registry: o.registryDigest }));
      progress.succeed(`${stack.namespace} runs ${shownTag(image)} (revision ${entry.revision})`);
    } else {
      entry = await record(image.digest ? { digest: image.digest, digestSource: 'pinned' } : o.registryDigest ? { digest: o.registryDigest, digestSource: 'registry' } : {});
      progress.succeed(`${stack.namespace}: ${shownTag(image)} applied, rollout started (revision ${entry.revision}); fragctl ${stack.env} status follows it`);
    }
  } catch (e) {
    progress.fail(`${o.verb} of ${stack.namespace} failed`);
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'StatefulSet', name: APP }], failed: true });
    throw e;
  }
  touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'StatefulSet', name: APP }, { kind: 'ConfigMap', name: 'fragctl-history' }], revision: entry.revision });
  return {
    env: stack.env,
    namespace: stack.namespace,
    from: current.image ? formatImage(current.image) : undefined,
    image: formatImage(image),
    tag: image.tag,
    digest: entry.digest,
    revision: entry.revision,
    restartedAt,
    waited: o.wait,
    requests: api.totalCalls(),
  };
}

const STUCK = /BackOff|ErrImagePull|InvalidImageName|CreateContainer|RunContainerError/;

/**
 * A StatefulSet does not replace a pod that never became ready, even after its template is
 * fixed (Kubernetes' "forced rollback"): such pods are deleted so the new template can start.
 */
export async function replaceStuckPods(ctx: Context, api: KubeClient, stack: KubeStack): Promise<void> {
  const pods = (await api.list('Pod', stack.namespace, { labelSelector: APP_SELECTOR })).items;
  for (const pod of pods) {
    const { reason } = podReason(pod);
    if (!STUCK.test(reason)) continue;
    warn(ctx.io, 'kube.pod.replaced', `deleting pod ${pod.metadata.name} (${reason}) so that the new template replaces it`, { pod: pod.metadata.name, reason });
    await api.delete('Pod', pod.metadata.name, stack.namespace);
  }
}
