/**
 * One release, from start to record: stored as pending, objects applied in order, what left the
 * templates pruned, every workload waited for, the image digests the pods run noted, the outcome
 * recorded. With `atomic`, a release that does not become ready is followed by a rollback to the
 * previous one, and the error says so.
 */
import type { KubeClient } from '../../../providers/kube/client.js';
import type { KubeObject } from '../../../providers/kube/resources.js';
import type { Context } from '../../context.js';
import { OperationError } from '../../errors.js';
import { warn } from '../../io.js';
import { canonicalImage } from '../image.js';
import type { Manifest } from '../manifests.js';
import { preflight } from '../preflight.js';
import { isPodReady, podReason, podSelector } from '../rollout.js';
import { operatorName, type KubeStack } from '../stack.js';
import { isWorkload, waitForWorkloads } from '../workloads.js';
import { applyAll, pruneRemoved, type Pruned } from './apply.js';
import { createRelease, markRelease, pruneRecords, updateRelease, type ImageRecord, type Release } from './record.js';
import { restoreSecrets } from './secret-values.js';

export interface ReleaseRequest {
  verb: string;
  manifests: Manifest[];
  settingsHash: string;
  timeoutMs: number;
  wait?: boolean;
  atomic?: boolean;
  note?: string;
  adopted?: boolean;
  image?: string;
  /** --force-conflicts: take fields another field manager owns. */
  force?: boolean;
  /** The caller ran the server-side dry run already. */
  checked?: boolean;
  /** The registry's digest for the stack image's tag, when it was checked. */
  registryDigest?: string;
  /** The objects to apply and wait for, when not all of `manifests` (the rest are unchanged). */
  send?: Manifest[];
}

export interface ReleaseOutcome {
  release: Release;
  previous?: Release;
  pruned: Pruned[];
  url?: string;
}

export async function runRelease(
  ctx: Context,
  api: KubeClient,
  stack: KubeStack,
  history: Release[],
  req: ReleaseRequest,
): Promise<ReleaseOutcome> {
  const last = history.at(-1);
  const previous = [...history].reverse().find((r) => r.status === 'deployed' || r.status === 'superseded');
  // Every object through a server-side dry run first: an invalid object or a field another
  // manager owns stops here, with nothing changed and nothing recorded.
  if (!req.checked) await preflight(api, req.manifests, { force: req.force, namespaceExists: true });
  const progress = ctx.io.progress(`${req.verb}: release ${(last?.version ?? 0) + 1} of ${stack.env} to namespace ${stack.namespace}`);
  let release = await createRelease(
    api,
    {
      env: stack.env,
      namespace: stack.namespace,
      verb: req.verb,
      status: 'pending',
      manifests: req.manifests,
      settingsHash: req.settingsHash,
      images: imagesOf(req.manifests),
      who: operatorName(stack.settings),
      when: new Date().toISOString(),
      ...(req.image ? { image: req.image } : {}),
      ...(req.note ? { note: req.note } : {}),
      ...(req.adopted ? { adopted: true } : {}),
    },
    last?.version ?? 0,
  );
  let pruned: Pruned[] = [];
  try {
    const send = req.send ?? req.manifests;
    const applied = await applyAll(ctx, api, send, req.force);
    pruned = await pruneRemoved(ctx, api, stack.env, last?.manifests ?? [], req.manifests);
    await replaceStuckPods(ctx, api, updatedSets(send, applied));
    if (req.wait !== false) {
      progress.update('objects applied; waiting for every workload');
      await waitForWorkloads(ctx, api, send, { timeoutMs: req.timeoutMs, progress, applied });
      release = { ...release, images: await digestsOf(api, stack.namespace, release.images, req) };
    }
    release = { ...release, status: 'deployed' };
    await updateRelease(api, release);
    for (const r of history.filter((h) => h.status === 'deployed')) await markRelease(api, r, 'superseded');
    await pruneRecords(api, [...history, release]);
    progress.succeed(`${req.verb}: ${stack.namespace} at release ${release.version}${req.wait === false ? ' (rollout started)' : ''}`);
    return { release, previous, pruned, url: urlOf(req.manifests) };
  } catch (e) {
    progress.fail(`${req.verb}: release ${release.version} of ${stack.env} failed`);
    await updateRelease(api, { ...release, status: 'failed' }).catch(() => undefined);
    if (!req.atomic || !previous) throw e;
    warn(ctx.io, 'kube.atomic', `release ${release.version} did not become ready: rolling back to release ${previous.version} (--atomic)`, {
      failed: release.version,
      to: previous.version,
    });
    const back = await runRelease(ctx, api, stack, [...history, { ...release, status: 'failed' }], {
      verb: 'rollback',
      manifests: await restoreSecrets(ctx, api, previous.manifests, previous.version),
      settingsHash: previous.settingsHash,
      image: previous.image,
      timeoutMs: req.timeoutMs,
      note: `automatic rollback of release ${release.version} (--atomic)`,
    });
    throw new OperationError(
      `release ${release.version} failed and was rolled back: ${stack.namespace} runs release ${previous.version}'s manifests again (now release ${back.release.version}): ${(e as Error).message}`,
      {
        hint: `fragctl ${stack.env} history shows both; fix the cause and deploy again`,
        code: 'KUBE_ROLLED_BACK',
      },
    );
  }
}

type PodSpec = { containers?: Array<{ name: string; image?: string }>; initContainers?: Array<{ name: string; image?: string }> };

export function imagesOf(manifests: Manifest[]): ImageRecord[] {
  return manifests.filter(isWorkload).flatMap((m) => {
    const spec = (m.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ?? {};
    return (spec.containers ?? []).map((c) => ({ object: `${m.kind}/${m.metadata.name}`, container: c.name, image: c.image ?? '' }));
  });
}

/**
 * The digests the pods report in their imageID for each recorded image (one list of the
 * namespace's pods); else, for the stack image, the pinned digest or the registry's.
 */
async function digestsOf(
  api: KubeClient,
  namespace: string,
  images: ImageRecord[],
  req: Pick<ReleaseRequest, 'image' | 'registryDigest'>,
): Promise<ImageRecord[]> {
  const statuses = (await api.list('Pod', namespace)).items.flatMap(
    (p) => ((p.status ?? {}) as { containerStatuses?: Array<{ image?: string; imageID?: string }> }).containerStatuses ?? [],
  );
  const pinned = req.image ? /@(sha256:[a-f0-9]{64})$/.exec(req.image)?.[1] : undefined;
  return images.map((i): ImageRecord => {
    const digest = statuses
      .map((s) =>
        canonicalImage(s.image ?? '') === canonicalImage(i.image) ? /@(sha256:[a-f0-9]{64})$/.exec(s.imageID ?? '')?.[1] : undefined,
      )
      .find(Boolean);
    if (digest) return { ...i, digest, digestSource: 'pods' };
    if (i.image !== req.image) return i;
    if (pinned) return { ...i, digest: pinned, digestSource: 'pinned' };
    return req.registryDigest ? { ...i, digest: req.registryDigest, digestSource: 'registry' } : i;
  });
}

/** The stack's URL, read from the first Ingress rule (https when its host has TLS). */
export function urlOf(manifests: Array<Manifest | KubeObject>): string | undefined {
  const ing = manifests.find((m) => m.kind === 'Ingress');
  const spec = ing?.spec as { rules?: Array<{ host?: string }>; tls?: Array<{ hosts?: string[] }> } | undefined;
  const host = spec?.rules?.find((r) => r.host)?.host;
  if (!host) return undefined;
  return `${spec?.tls?.some((t) => t.hosts?.includes(host)) ? 'https' : 'http'}://${host}`;
}

const STUCK = /BackOff|ErrImagePull|InvalidImageName|CreateContainer|RunContainerError/;

/**
 * The StatefulSets the change updated (not created: a set just created has no status yet, and
 * nothing of it can be stuck).
 */
function updatedSets(manifests: Manifest[], applied: Map<string, KubeObject>): Manifest[] {
  return manifests.filter((m) => {
    if (m.kind !== 'StatefulSet') return false;
    const live = applied.get(`${m.kind}/${m.metadata.name}`);
    return (live?.status as { observedGeneration?: number } | undefined)?.observedGeneration !== undefined;
  });
}

const containerImages = (spec: PodSpec | undefined): string => (spec?.containers ?? []).map((c) => c.image ?? '').join(' ');

/**
 * A StatefulSet does not replace a pod that never became ready, even after its template is fixed
 * (Kubernetes' "forced rollback"): such pods are deleted so the new template can start. A pod is
 * such a pod when it is not ready and either waits in a state it will not leave by itself (BackOff,
 * a bad image), or runs other images than the new template (a rollout the change replaces: one
 * still Pending or ContainerCreating is as stuck, only earlier). The pods are read now, not from
 * the set's status, which the controller may not have written yet.
 */
async function replaceStuckPods(ctx: Context, api: KubeClient, sets: Manifest[]): Promise<void> {
  for (const m of sets) {
    const selector = podSelector(m);
    if (!selector) continue;
    const wanted = containerImages((m.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec);
    for (const pod of (await api.list('Pod', m.metadata.namespace, { labelSelector: selector })).items) {
      if (isPodReady(pod) || pod.metadata.deletionTimestamp) continue;
      const { reason } = podReason(pod);
      if (!STUCK.test(reason) && containerImages(pod.spec) === wanted) continue;
      warn(ctx.io, 'kube.pod.replaced', `deleting pod ${pod.metadata.name} (${reason}) so that the new template replaces it`, {
        pod: pod.metadata.name,
        reason,
      });
      await api.delete('Pod', pod.metadata.name, m.metadata.namespace);
    }
  }
}
