/**
 * What a deploy would change, asked of the API server itself with a server-side dry run
 * (`dryRun=All`): defaulting, admission and field ownership are the server's, not a guess.
 * Used by `deploy --dry-run` and by `plan`.
 */
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
  action: 'create' | 'update' | 'unchanged';
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

export async function planKube(ctx: Context, choice: ImageChoice = {}): Promise<PlanItem[]> {
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
    const after = await api.apply(m, { dryRun: true });
    items.push({ kind: m.kind, name: m.metadata.name, action: !before ? 'create' : comparable(before) === comparable(after) ? 'unchanged' : 'update' });
  }
  return items;
}
