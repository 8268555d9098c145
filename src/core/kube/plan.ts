/**
 * What a deploy would change, asked of the API server itself with a server-side dry run
 * (`dryRun=All`): defaulting, admission and field ownership are the server's, not a guess. Each
 * changed object lists the fields that change; Secret values are never shown.
 */
import { KubeApiError, type KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { REDACTED } from '../redact.js';
import type { Context } from '../context.js';
import type { Manifest } from './manifests.js';
import { chosenImage, noTag, type ImageChoice } from './choose-image.js';
import { renderChange } from './release/change.js';
import { openStack, releaseImage, type OpenStack } from './release/open.js';
import { objectKey } from './templates/documents.js';
import { immutableJob } from './release/job-replace.js';

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface PlanItem {
  kind: string;
  name: string;
  /** conflict: a field another manager owns (deploy stops unless --force-conflicts); invalid: the server rejects the object. */
  action: 'create' | 'update' | 'replace' | 'unchanged' | 'delete' | 'conflict' | 'invalid';
  changes?: FieldChange[];
  /** For conflict and invalid: the fields and their managers, or the server's reason. */
  reason?: string;
}

/** The dry run of one object, or the conflict or invalid field that stops it. */
async function dryRun(api: KubeClient, m: Manifest, force?: boolean): Promise<KubeObject | Pick<PlanItem, 'action' | 'reason'>> {
  try {
    return await api.apply(m, { dryRun: true, force });
  } catch (e) {
    if (immutableJob(m, e))
      return { action: 'replace', reason: 'its pod template changed: a Job cannot change, so it is deleted and created again' };
    if (!(e instanceof KubeApiError)) throw e;
    if (e.code === 'KUBE_CONFLICT')
      return { action: 'conflict', reason: e.conflicts.map((c) => `${c.field} (managed by "${c.manager}")`).join(', ') };
    if (e.code === 'KUBE_INVALID')
      return {
        action: 'invalid',
        reason: e.invalidFields.map((f) => `${f.field ? `${f.field}: ` : ''}${f.message}`).join('; ') || e.message,
      };
    throw e;
  }
}

const IGNORED = new Set([
  'status',
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.uid',
]);

/** Leaf paths of an object (arrays indexed), without what the server sets on every write. */
export function flatten(v: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (IGNORED.has(prefix)) return out;
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (!entries.length) out.set(prefix, Array.isArray(v) ? [] : {});
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (v !== undefined) out.set(prefix, v);
  return out;
}

export function diffObjects(before: KubeObject, after: KubeObject): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const secret = after.kind === 'Secret';
  const mask = (path: string, v: unknown) => (secret && /^(data|stringData)\./.test(path) && v !== undefined ? REDACTED : v);
  const changes: FieldChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (JSON.stringify(a.get(path)) === JSON.stringify(b.get(path))) continue;
    changes.push({ path, before: mask(path, a.get(path)), after: mask(path, b.get(path)) });
  }
  return changes.sort((x, y) => x.path.localeCompare(y.path));
}

/** One object's dry run against what the namespace holds: create, update (with the changed fields), unchanged, or why not. */
export async function planObject(api: KubeClient, m: Manifest, force?: boolean): Promise<PlanItem> {
  const before = await api.get(m.kind, m.metadata.name, m.metadata.namespace);
  const after = await dryRun(api, m, force);
  if (!('metadata' in after)) return { kind: m.kind, name: m.metadata.name, ...after };
  if (!before) return { kind: m.kind, name: m.metadata.name, action: 'create' };
  const changes = diffObjects(before, after);
  return { kind: m.kind, name: m.metadata.name, action: changes.length ? 'update' : 'unchanged', ...(changes.length ? { changes } : {}) };
}

export async function planRendered(_ctx: Context, s: OpenStack, manifests: Manifest[], force?: boolean): Promise<PlanItem[]> {
  const { api, stack } = s;
  const items: PlanItem[] = [
    { kind: 'Namespace', name: stack.namespace, action: s.namespace ? (s.adopting ? 'update' : 'unchanged') : 'create' },
  ];
  const gone = (s.history.at(-1)?.manifests ?? []).filter((m) => !manifests.some((n) => objectKey(n) === objectKey(m)));
  if (!s.namespace) {
    // Without the namespace a namespaced dry run cannot be answered: everything is new.
    return [...items, ...manifests.map((m) => ({ kind: m.kind, name: m.metadata.name, action: 'create' as const }))];
  }
  for (const m of manifests) items.push(await planObject(api, m, force));
  for (const m of gone) items.push({ kind: m.kind, name: m.metadata.name, action: 'delete' });
  return items;
}

/** `plan` for a Kubernetes environment: the templates rendered with the image a deploy would use, dry-run applied. */
export async function planKube(ctx: Context, choice: ImageChoice & { forceConflicts?: boolean } = {}): Promise<PlanItem[]> {
  const s = await openStack(ctx, {});
  const image = chosenImage(s.stack, choice) ?? releaseImage(s.history.at(-1));
  if (!image) throw noTag(s.stack);
  const rendered = await renderChange(ctx, s, { image });
  return planRendered(ctx, s, rendered.manifests, choice.forceConflicts);
}
