/** Shared shapes of the fake Kubernetes API server. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  finalizers?: string[];
  managedFields?: JsonObject[];
  [key: string]: unknown;
}

/** Any stored object. Everything below metadata is free-form JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: JsonObject;
  status?: JsonObject;
  [key: string]: unknown;
}

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Has a /status subresource (spec and status are written apart). */
  status: boolean;
  /** metadata.generation is kept and bumped on spec changes. */
  generation: boolean;
  /** Schema check from kubernetes-models; throws a ValidationError. */
  validate?: (obj: unknown) => void;
}

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchType;
  rt: ResourceType;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED only). */
  old?: KubeObject;
  rv: number;
  /** DELETED only: DeleteOptions.propagationPolicy as resolved for this delete. */
  propagation?: 'Orphan' | 'Background' | 'Foreground';
}

export const apiVersionOf = (rt: ResourceType): string => (rt.group ? `${rt.group}/${rt.version}` : rt.version);

/** "statefulsets.apps" or "pods": how errors name a resource. */
export const qualifiedName = (rt: ResourceType): string => (rt.group ? `${rt.plural}.${rt.group}` : rt.plural);

export const clone = <T>(value: T): T => structuredClone(value);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The object elements of a value that should be a list of objects. */
export function objectsIn(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => isObject(v)) : [];
}
