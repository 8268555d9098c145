/**
 * What a deploy would change, asked of the API server itself with a server-side dry run
 * (`dryRun=All`): defaulting, admission and field ownership are the server's, not a guess.
 * Used by `deploy --dry-run` and by `plan`.
 */
import { KubeApiError, type KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { connectKube, managedNamespace } from './connect.js';
import { namespaceManifest, stackManifests } from './manifests.js';
import { secretNames } from './secrets.js';
import { resolveStack } from './stack.js';
import { chosenImage, noTag, runningImage, type ImageChoice } from './target-image.js';

export interface PlanItem {
  kind: string;
  name: string;
  /** conflict: a field another manager owns (deploy stops unless --force-conflicts); invalid: the server rejects the object. */
  action: 'create' | 'update' | 'unchanged' | 'conflict' | 'invalid';
  /** For conflict and invalid: the fields and their managers, or the server's reason. */
  reason?: string;
}

/** Drops what the server sets on every write, so that two reads of the same state compare equal. */
function comparable(obj: KubeObject | undefined): unknown {
  if (!obj) return undefined;
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, creationTimestamp: _c, uid: _u, ...metadata } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  const { status: _s, ...rest } = obj;
  return stable({ ...rest, metadata });
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The dry run of one object, or the conflict or invalid field that stops it. */
async function dryRun(api: KubeClient, m: KubeObject & { kind: string }, force?: boolean): Promise<KubeObject | Pick<PlanItem, 'action' | 'reason'>> {
  try {
    return await api.apply(m, { dryRun: true, force });
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    if (e.code === 'KUBE_CONFLICT') return { action: 'conflict', reason: e.conflicts.map((c) => `${c.field} (managed by "${c.manager}")`).join(', ') };
    if (e.code === 'KUBE_INVALID') return { action: 'invalid', reason: e.invalidFields.map((f) => `${f.field ? `${f.field}: ` : ''}${f.message}`).join('; ') || e.message };
    throw e;
  }
}

export async function planKube(ctx: Context, choice: ImageChoice & { forceConflicts?: boolean } = {}): Promise<PlanItem[]> {
  const stack = resolveStack(ctx.env);
  let image = chosenImage(stack, choice);
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  const running = ns ? await runningImage(api, stack) : { exists: false as const };
  image ??= running.image;
  if (!image) throw noTag(stack);
  const manifests = stackManifests(stack, { image, restartedAt: running.exists ? running.restartedAt : undefined });
  const items: PlanItem[] = [{ kind: 'Namespace', name: stack.namespace, action: ns ? 'unchanged' : 'create' }];
  if (!ns) {
    // Without the namespace a namespaced dry run cannot be answered: everything is new.
    for (const name of secretNames()) items.push({ kind: 'Secret', name, action: 'create' });
    for (const m of manifests) items.push({ kind: m.kind, name: m.metadata.name, action: 'create' });
    return items;
  }
  const nsAfter = await api.apply(namespaceManifest(stack), { dryRun: true });
  items[0]!.action = comparable(nsAfter) === comparable(ns) ? 'unchanged' : 'update';
  for (const name of secretNames()) {
    items.push({ kind: 'Secret', name, action: (await api.get('Secret', name, stack.namespace)) ? 'unchanged' : 'create' });
  }
  for (const m of manifests) {
    const before = await api.get(m.kind as never, m.metadata.name, stack.namespace);
    const after = await dryRun(api, m, choice.forceConflicts);
    if (!('metadata' in after)) items.push({ kind: m.kind, name: m.metadata.name, ...after } as PlanItem);
    else items.push({ kind: m.kind, name: m.metadata.name, action: !before ? 'create' : comparable(before) === comparable(after) ? 'unchanged' : 'update' });
  }
  return items;
}
