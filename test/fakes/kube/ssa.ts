/**
 * Server-side apply field sets (managedFields fieldsV1), and what a re-apply removes: fields the
 * same manager applied before, no longer in its configuration, and not applied by another manager.
 * Ownership by Update operations and apply conflicts are not modelled.
 */
import { mergeKeyFor } from './patch.js';
import { isObject, type JsonObject, type KubeObject } from './types.js';

type FieldSet = { [key: string]: FieldSet };
type Obj = Record<string, unknown>;

const PRIMITIVE_SETS = new Set(['finalizers']);

function setOf(value: unknown, path: string[]): FieldSet {
  const out: FieldSet = {};
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      out[`f:${k}`] = listOrMap(v, [...path, k]);
    }
  }
  return out;
}

function listOrMap(v: unknown, path: string[]): FieldSet {
  const field = path[path.length - 1] ?? '';
  if (Array.isArray(v)) {
    const key = mergeKeyFor(path);
    if (key) {
      const out: FieldSet = {};
      for (const item of v) if (isObject(item)) out[`k:${JSON.stringify({ [key]: item[key] })}`] = { '.': {}, ...setOf(item, path) };
      return out;
    }
    if (PRIMITIVE_SETS.has(field)) return Object.fromEntries(v.map((x) => [`v:${JSON.stringify(x)}`, {}]));
    return {}; // atomic list: owned as a whole
  }
  if (isObject(v)) return { ...setOf(v, path) };
  return {};
}

/** The fieldsV1 set of an applied configuration (name and namespace are identity, not fields). */
export function appliedFieldSet(applied: KubeObject): JsonObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = applied;
  const { name: _n, namespace: _ns, ...meta } = metadata ?? {};
  const set = setOf(rest, []);
  const metaSet = setOf(meta, ['metadata']);
  if (Object.keys(metaSet).length > 0) set['f:metadata'] = metaSet;
  return set as JsonObject;
}

function findKeyed(list: unknown[], keyJson: string): number {
  const key = JSON.parse(keyJson) as Obj;
  return list.findIndex((item) => isObject(item) && Object.entries(key).every(([k, v]) => item[k] === v));
}

function prune(target: unknown, before: FieldSet, now: FieldSet, others: FieldSet[]): void {
  for (const [k, sub] of Object.entries(before)) {
    if (k === '.') continue;
    const kept = k in now;
    const shared = others.filter((o) => k in o).map((o) => o[k]!);
    if (k.startsWith('f:') && isObject(target)) {
      const name = k.slice(2);
      if (!kept && shared.length === 0 && k !== 'f:metadata') delete (target as Obj)[name];
      else prune((target as Obj)[name], sub, now[k] ?? {}, shared);
    } else if (k.startsWith('k:') && Array.isArray(target)) {
      const i = findKeyed(target, k.slice(2));
      if (i < 0) continue;
      if (!kept && shared.length === 0) target.splice(i, 1);
      else prune(target[i], sub, now[k] ?? {}, shared);
    } else if (k.startsWith('v:') && Array.isArray(target) && !kept && shared.length === 0) {
      const v: unknown = JSON.parse(k.slice(2));
      const i = target.indexOf(v);
      if (i >= 0) target.splice(i, 1);
    }
  }
}

/** Removes from `merged` what `manager` applied before and dropped now. */
export function removeDropped(merged: KubeObject, current: KubeObject, manager: string, now: JsonObject): void {
  const entries = current.metadata.managedFields ?? [];
  const mine = entries.find((m) => m.manager === manager && m.operation === 'Apply' && !m.subresource);
  if (!mine || !isObject(mine.fieldsV1)) return;
  const others = entries.filter((m) => m !== mine && m.operation === 'Apply' && isObject(m.fieldsV1)).map((m) => m.fieldsV1 as FieldSet);
  prune(merged, mine.fieldsV1 as FieldSet, now as FieldSet, others);
}
