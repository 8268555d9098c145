/** JSON merge patch (RFC 7386), strategic merge patch, and JSON patch (RFC 6902). */
import { badRequest, ApiError } from './status.js';
import { clone, deepEqual, isObject } from './types.js';

type Obj = Record<string, unknown>;

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * patchMergeKey of lists, from the Go struct tags of k8s.io/api. `path` is the chain
 * of field names from the object root (list indices left out).
 */
export function mergeKeyFor(path: readonly string[]): string | undefined {
  const field = path[path.length - 1];
  switch (field) {
    case 'containers': case 'initContainers': case 'ephemeralContainers': case 'volumes': case 'env':
    case 'imagePullSecrets': case 'resourceClaims': case 'secrets':
      return 'name';
    case 'volumeMounts': return 'mountPath';
    case 'volumeDevices': return 'devicePath';
    case 'hostAliases': return 'ip';
    case 'conditions': return 'type';
    case 'ownerReferences': return 'uid';
    case 'topologySpreadConstraints': return 'topologyKey';
    case 'ports': return path.length === 2 && path[0] === 'spec' ? 'port' : 'containerPort'; // Service vs Container
    default: return undefined;
  }
}

/** Lists of scalars that strategic merge unions instead of replacing. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !(isObject(v) && v.$patch === 'delete')).map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) if (!DIRECTIVE.test(k) && v !== null) out[k] = stripDirectives(v);
  return out;
}

function mergeList(target: unknown[], patch: unknown[], path: string[]): unknown[] {
  const field = path[path.length - 1] ?? '';
  const key = mergeKeyFor(path);
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isObject(p) && p.$patch === 'replace'))) as unknown[];
  }
  if (PRIMITIVE_MERGE.has(field)) return [...target, ...patch.filter((p) => !target.some((t) => deepEqual(t, p)))];
  if (!key) return stripDirectives(patch) as unknown[];
  const out = clone(target);
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`strategic merge: list ${field} expects objects keyed by ${key}`);
    const idx = out.findIndex((t) => isObject(t) && deepEqual(t[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item, path);
    else out.push(stripDirectives(item));
  }
  return out;
}

function orderBy(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const keyOf = (v: unknown) => (key && isObject(v) ? v[key] : v);
  const rank = (v: unknown) => {
    const i = order.findIndex((o) => deepEqual(keyOf(o), keyOf(v)));
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function strategicMerge(target: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    const childPath = [...path, k];
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, childPath);
    else if (isObject(v)) {
      const merged = strategicMerge(out[k], v, childPath);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(v)) continue;
    const field = k.slice('$setElementOrder/'.length);
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = orderBy(cur, v, mergeKeyFor([...path, field]));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

// ---- JSON patch ----

interface Op { op: string; path: string; value?: unknown; from?: string }

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path ${path}`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: unknown; last: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of pointer(path)) cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
  return cur;
}

function missing(path: string): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
}

function remove(doc: unknown, path: string): unknown {
  const { parent, last } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) throw missing(path);
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !(last in parent)) throw missing(path);
  const old = parent[last];
  delete parent[last];
  return old;
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!(i >= 0 && i <= parent.length) || (replace && i >= parent.length)) throw missing(path);
    parent.splice(i, replace ? 1 : 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw missing(path);
    parent[last] = clone(value);
  } else throw missing(path);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch: body must be a JSON array of operations');
  let doc = clone(target);
  for (const raw of ops as Op[]) {
    switch (raw.op) {
      case 'add': doc = add(doc, raw.path, raw.value, false); break;
      case 'replace': doc = add(doc, raw.path, raw.value, true); break;
      case 'remove': remove(doc, raw.path); break;
      case 'move': { const v = remove(doc, raw.from ?? ''); doc = add(doc, raw.path, v, false); break; }
      case 'copy': doc = add(doc, raw.path, getAt(doc, raw.from ?? ''), false); break;
      case 'test':
        if (!deepEqual(getAt(doc, raw.path), raw.value)) {
          throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${raw.path} failed`);
        }
        break;
      default: throw badRequest(`json patch: unknown op ${String(raw.op)}`);
    }
  }
  return doc;
}
