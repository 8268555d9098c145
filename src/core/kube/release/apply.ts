/**
 * Applying a release's objects: server-side apply under field manager `fragctl`, in kubectl's
 * order; then pruning what the previous release had and this one has not (only objects that
 * still carry this stack's release label: fragctl never deletes what it did not make).
 */
import type { KubeClient } from '../../../providers/kube/client.js';
import type { KubeObject } from '../../../providers/kube/resources.js';
import type { Context } from '../../context.js';
import { info } from '../../io.js';
import type { Manifest } from '../manifests.js';
import { RESTARTED_AT } from '../stack.js';
import { objectKey, RELEASE_LABEL } from '../templates/documents.js';
import { isRedactedSecret, sameSecret } from './secret-values.js';
import { immutableJob, replaceJob } from './job-replace.js';

export async function applyAll(ctx: Context, api: KubeClient, manifests: Manifest[], force?: boolean): Promise<Map<string, KubeObject>> {
  const applied = new Map<string, KubeObject>();
  for (const m of manifests) {
    let obj: KubeObject;
    try {
      obj = await api.apply(m, { force });
    } catch (e) {
      if (!immutableJob(m, e)) throw e;
      obj = await replaceJob(ctx, api, m, force);
    }
    applied.set(`${m.kind}/${m.metadata.name}`, obj);
  }
  return applied;
}

/**
 * The objects of `next` that differ from the same object in `previous` (or are new): what a
 * release on top of a deployed one has to send. Unchanged objects are already what they should be.
 */
export function changedSince(next: Manifest[], previous: Manifest[]): Manifest[] {
  const before = new Map(previous.map((m) => [objectKey(m), m]));
  return next.filter((m) => {
    const old = before.get(objectKey(m));
    if (!old) return true;
    // A recorded Secret holds MACs of its values, not the values: compared value by value.
    return isRedactedSecret(old) ? !sameSecret(m, old) : JSON.stringify(old) !== JSON.stringify(m);
  });
}

export interface Pruned {
  kind: string;
  name: string;
}

export async function pruneRemoved(ctx: Context, api: KubeClient, env: string, previous: Manifest[], next: Manifest[]): Promise<Pruned[]> {
  const keep = new Set(next.map(objectKey));
  const pruned: Pruned[] = [];
  for (const m of [...previous].reverse()) {
    if (keep.has(objectKey(m)) || m.kind === 'Namespace') continue;
    const live = await api.get(m.kind, m.metadata.name, m.metadata.namespace);
    if (!live || live.metadata.labels?.[RELEASE_LABEL] !== env) continue;
    await api.delete(m.kind, m.metadata.name, m.metadata.namespace);
    info(ctx.io, 'kube.pruned', `deleted ${m.kind} ${m.metadata.name}: it is no longer in the templates`, {
      kind: m.kind,
      name: m.metadata.name,
    });
    pruned.push({ kind: m.kind, name: m.metadata.name });
  }
  return pruned;
}

type PodTemplate = { metadata?: { annotations?: Record<string, string> } };
const podTemplate = (m: Manifest): PodTemplate | undefined => (m.spec as { template?: PodTemplate } | undefined)?.template;

/**
 * The restart annotation of each workload as the previous release set it: fragctl owns that field,
 * so leaving it out of an apply would remove it and restart the pods by itself.
 */
export function keepRestarts(next: Manifest[], previous: Manifest[]): Manifest[] {
  const before = new Map(previous.map((m) => [objectKey(m), podTemplate(m)?.metadata?.annotations?.[RESTARTED_AT]]));
  return next.map((m) => {
    const at = before.get(objectKey(m));
    return at && podTemplate(m) ? withRestart(m, at) : m;
  });
}

export function withRestart(m: Manifest, at: string): Manifest {
  const tpl = podTemplate(m) ?? {};
  const annotations = { ...tpl.metadata?.annotations, [RESTARTED_AT]: at };
  return { ...m, spec: { ...m.spec, template: { ...tpl, metadata: { ...tpl.metadata, annotations } } } };
}
