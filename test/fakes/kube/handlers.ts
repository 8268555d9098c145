/** The verbs on a resource: list, create, update, patch (4 kinds), delete, deletecollection, log. */
import { parse as parseYaml } from 'yaml';
import { jsonPatch, mergePatch, strategicMerge } from './patch.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { appliedFieldSet, removeDropped } from './ssa.js';
import { ApiError, badRequest, notFound, unsupportedMediaType } from './status.js';
import type { Store, WriteOptions } from './store.js';
import { apiVersionOf, isObject, type JsonObject, type KubeObject, type ResourceType } from './types.js';

export interface Target {
  rt: ResourceType;
  namespace: string | undefined;
  name?: string;
  subresource?: string;
}

export interface Ctx {
  store: Store;
  query: URLSearchParams;
  contentType: string;
  userAgent: string;
  logs: Map<string, string>;
}

export function writeOptions(ctx: Ctx, t: Target): WriteOptions {
  const manager = ctx.query.get('fieldManager') ?? (ctx.userAgent.split('/')[0] || 'unknown');
  return {
    fieldManager: manager,
    dryRun: ctx.query.getAll('dryRun').includes('All'),
    ...(t.subresource === 'status' ? { subresource: 'status' as const } : {}),
  };
}

export function parseBody(text: string, contentType: string): unknown {
  if (text.trim() === '') return undefined;
  if (contentType.includes('protobuf')) throw unsupportedMediaType(contentType);
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

function asObject(body: unknown, t: Target): KubeObject {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const obj = body as KubeObject;
  obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
  if (obj.kind !== undefined && obj.kind !== t.rt.kind) throw badRequest(`the kind of the object (${String(obj.kind)}) does not match the resource (${t.rt.kind})`);
  if (t.rt.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== t.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = t.namespace;
  }
  if (t.name !== undefined) {
    if (obj.metadata.name && obj.metadata.name !== t.name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${t.name})`);
    obj.metadata.name = t.name;
  }
  return obj;
}

/** List items carry no kind/apiVersion on a real server; the List does. */
function listOf(rt: ResourceType, items: KubeObject[], rv: string, cont?: string) {
  const bare = items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  return { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) }, items: bare };
}

export function matcherOf(ctx: Ctx, rt: ResourceType): (o: KubeObject) => boolean {
  const labels = parseLabelSelector(ctx.query.get('labelSelector'));
  const fields = parseFieldSelector(ctx.query.get('fieldSelector'), rt.kind);
  return (o) => labels(o) && fields(o);
}

export function list(ctx: Ctx, t: Target) {
  const all = ctx.store.list(t.rt, t.namespace, matcherOf(ctx, t.rt));
  const limit = Number(ctx.query.get('limit') ?? 0);
  const token = ctx.query.get('continue');
  let offset = 0;
  let rv = ctx.store.resourceVersion;
  if (token) {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: number; rv: string };
    offset = parsed.offset;
    rv = parsed.rv;
  }
  if (!(limit > 0)) return listOf(t.rt, all.slice(offset), rv);
  const page = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  return listOf(t.rt, page, rv, more ? Buffer.from(JSON.stringify({ offset: offset + limit, rv })).toString('base64url') : undefined);
}

export function get(ctx: Ctx, t: Target): KubeObject {
  return ctx.store.mustGet(t.rt, t.namespace, t.name ?? '');
}

export function create(ctx: Ctx, t: Target, body: unknown): KubeObject {
  return ctx.store.create(t.rt, asObject(body, t), writeOptions(ctx, t));
}

export function update(ctx: Ctx, t: Target, body: unknown): KubeObject {
  return ctx.store.update(t.rt, asObject(body, t), writeOptions(ctx, t));
}

export function patch(ctx: Ctx, t: Target, body: unknown): { object: KubeObject; created: boolean } {
  const type = ctx.contentType.split(';')[0]!.trim();
  const opts = writeOptions(ctx, t);
  const name = t.name ?? '';
  if (type === 'application/apply-patch+yaml') {
    if (!ctx.query.get('fieldManager')) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = asObject(body, t);
    if (applied.apiVersion !== apiVersionOf(t.rt) || applied.kind !== t.rt.kind) throw badRequest(`apply: apiVersion and kind must be ${apiVersionOf(t.rt)} ${t.rt.kind}`);
    const current = ctx.store.get(t.rt, t.namespace, name);
    const fields = appliedFieldSet(applied);
    const applyOpts = { ...opts, operation: 'Apply' as const, fields };
    if (!current) {
      if (t.subresource) throw notFound(t.rt, name);
      return { object: ctx.store.create(t.rt, applied, applyOpts), created: true };
    }
    const { status, ...rest } = applied;
    const source = t.subresource === 'status' ? { status } : rest;
    const merged = strategicMerge(current, source) as KubeObject;
    removeDropped(merged, current, opts.fieldManager ?? '', fields);
    if (!applied.metadata.resourceVersion) merged.metadata.resourceVersion = current.metadata.resourceVersion;
    return { object: ctx.store.update(t.rt, merged, applyOpts), created: false };
  }
  const current = ctx.store.mustGet(t.rt, t.namespace, name);
  let patched: unknown;
  if (type === 'application/merge-patch+json') patched = mergePatch(current, body);
  else if (type === 'application/strategic-merge-patch+json') patched = strategicMerge(current, body);
  else if (type === 'application/json-patch+json') patched = jsonPatch(current, body);
  else throw unsupportedMediaType(type);
  const obj = asObject(patched, t);
  return { object: ctx.store.update(t.rt, obj, opts), created: false };
}

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
}

export function remove(ctx: Ctx, t: Target, body: unknown): unknown {
  const opts = (isObject(body) ? body : {}) as DeleteOptions;
  const dryRun = ctx.query.getAll('dryRun').includes('All') || (opts.dryRun ?? []).includes('All');
  const policy = (ctx.query.get('propagationPolicy') as DeleteOptions['propagationPolicy'] | null) ?? opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);
  const { object, finalized } = ctx.store.delete(t.rt, t.namespace, t.name ?? '', { ...opts.preconditions, dryRun, ...(policy ? { propagation: policy } : {}) });
  if (!finalized || t.rt.kind === 'Namespace' || t.rt.kind === 'Pod') return object;
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: object.metadata.name, ...(t.rt.group ? { group: t.rt.group } : {}), kind: t.rt.plural, uid: object.metadata.uid },
  };
}

export function removeCollection(ctx: Ctx, t: Target) {
  const victims = ctx.store.list(t.rt, t.namespace, matcherOf(ctx, t.rt));
  const dryRun = ctx.query.getAll('dryRun').includes('All');
  const deleted = victims.map((v) => ctx.store.delete(t.rt, v.metadata.namespace, v.metadata.name ?? '', { dryRun }).object);
  return listOf(t.rt, deleted, ctx.store.resourceVersion);
}

/** GET pods/<name>/log: what the fake's log table holds; 400 while the container has not started. */
export function podLog(ctx: Ctx, t: Target): string {
  const pod = get(ctx, t);
  const status = (pod.status ?? {}) as JsonObject;
  const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  const first = isObject(containers[0]) ? String(containers[0].name) : '';
  const container = ctx.query.get('container') ?? first;
  if (containers.length > 1 && !ctx.query.get('container')) {
    throw badRequest(`a container name must be specified for pod ${t.name}, choose one of: [${containers.map((c) => (isObject(c) ? String(c.name) : '')).join(' ')}]`);
  }
  if (status.phase === 'Pending') {
    const cs = (Array.isArray(status.containerStatuses) ? status.containerStatuses : []).find((c) => isObject(c) && c.name === container);
    const waiting = isObject(cs) && isObject(cs.state) && isObject(cs.state.waiting) ? String(cs.state.waiting.reason) : 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${t.name}" is waiting to start: ${waiting}`);
  }
  const text = ctx.logs.get(`${t.namespace}/${t.name}`) ?? '';
  const tail = ctx.query.get('tailLines');
  if (tail === null) return text;
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - Number(tail))).join('\n') + (text ? '\n' : '');
}

