/** In-memory object store with a global resourceVersion counter and an event history for watches. */
import { randomUUID } from 'node:crypto';
import { applyDefaults, defaultJobSelector, initialStatus } from './defaults.js';
import { RESOURCES, byKind } from './resources.js';
import { alreadyExists, conflict, forbidden, gone, notFound } from './status.js';
import { apiVersionOf, clone, deepEqual, type JsonObject, type KubeObject, type ResourceType, type StoreEvent, type WatchType } from './types.js';
import { validateObject } from './validation.js';

export interface WriteOptions {
  fieldManager?: string;
  operation?: 'Update' | 'Apply';
  subresource?: 'status';
  dryRun?: boolean;
  /** fieldsV1 to record for this manager (server-side apply). */
  fields?: JsonObject;
  /** Internal writes by controllers skip schema validation. */
  skipValidation?: boolean;
}

const HISTORY_LIMIT = 100_000;
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const randomSuffix = (n = 5): string => Array.from({ length: n }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');

/** Everything except metadata and status: a change here bumps metadata.generation. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function sansVolatile(obj: KubeObject): KubeObject {
  const copy = clone(obj);
  delete copy.metadata.resourceVersion;
  delete copy.metadata.managedFields;
  return copy;
}

export class Store {
  private rv = 0;
  private readonly data = new Map<ResourceType, Map<string, KubeObject>>(RESOURCES.map((r) => [r, new Map()]));
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch can resume from (older ones get 410 Gone). */
  get oldestWatchable(): number {
    return this.history.length === HISTORY_LIMIT ? this.history[0]!.rv - 1 : 0;
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  eventsSince(rv: number, rt: ResourceType): StoreEvent[] {
    if (rv < this.oldestWatchable) throw gone(`too old resource version: ${rv} (${this.oldestWatchable})`);
    return this.history.filter((e) => e.rv > rv && e.rt === rt);
  }

  private table(rt: ResourceType): Map<string, KubeObject> {
    const t = this.data.get(rt);
    if (!t) throw new Error(`fake kube: unregistered resource ${rt.plural}`);
    return t;
  }

  private emit(type: WatchType, rt: ResourceType, object: KubeObject, old?: KubeObject, propagation?: StoreEvent['propagation']): void {
    const e: StoreEvent = { type, rt, object: clone(object), ...(old ? { old: clone(old) } : {}), rv: this.rv, ...(propagation ? { propagation } : {}) };
    this.history.push(e);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const fn of [...this.listeners]) fn(e);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.table(rt).get(`${rt.namespaced ? namespace : ''}/${name}`);
    return obj && clone(obj);
  }

  mustGet(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.get(rt, namespace, name);
    if (!obj) throw notFound(rt, name);
    return obj;
  }

  list(rt: ResourceType, namespace?: string, match: (o: KubeObject) => boolean = () => true): KubeObject[] {
    return [...this.table(rt).values()]
      .filter((o) => (namespace === undefined || o.metadata.namespace === namespace) && match(o))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
      .map(clone);
  }

  private managed(obj: KubeObject, old: KubeObject | undefined, o: WriteOptions): void {
    const entries = (old?.metadata.managedFields ?? []).filter((m) => !(m.manager === (o.fieldManager ?? 'unknown') && m.operation === (o.operation ?? 'Update') && (m.subresource ?? undefined) === o.subresource));
    entries.push({
      manager: o.fieldManager ?? 'unknown',
      operation: o.operation ?? 'Update',
      apiVersion: obj.apiVersion,
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      fieldsType: 'FieldsV1',
      fieldsV1: o.fields ?? {},
      ...(o.subresource ? { subresource: o.subresource } : {}),
    });
    obj.metadata.managedFields = entries;
  }

  private checkNamespace(rt: ResourceType, namespace: string | undefined, name: string): void {
    if (!rt.namespaced) return;
    const ns = this.get(byKind('Namespace'), undefined, namespace ?? '');
    if (!ns) throw notFound(byKind('Namespace'), namespace ?? '');
    if (ns.metadata.deletionTimestamp) throw forbidden(`${rt.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  create(rt: ResourceType, input: KubeObject, o: WriteOptions = {}): KubeObject {
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    obj.metadata = { ...obj.metadata };
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix();
    if (!rt.namespaced) delete obj.metadata.namespace;
    this.checkNamespace(rt, obj.metadata.namespace, obj.metadata.name ?? '');
    const key = `${rt.namespaced ? obj.metadata.namespace : ''}/${obj.metadata.name}`;
    if (this.table(rt).has(key)) throw alreadyExists(rt, obj.metadata.name ?? '');
    for (const f of ['resourceVersion', 'deletionTimestamp', 'generation', 'selfLink'] as const) delete obj.metadata[f];
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (rt.generation) obj.metadata.generation = 1;
    applyDefaults(rt, obj);
    if (rt.kind === 'Job') defaultJobSelector(obj);
    const status = initialStatus(rt, obj);
    if (status === undefined) delete obj.status;
    else obj.status = status;
    if (!o.skipValidation) validateObject(rt, obj);
    this.managed(obj, undefined, o);
    if (o.dryRun) return obj;
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(rt).set(key, obj);
    this.emit('ADDED', rt, obj);
    return clone(obj);
  }

  update(rt: ResourceType, input: KubeObject, o: WriteOptions = {}): KubeObject {
    const name = input.metadata?.name ?? '';
    const old = this.mustGet(rt, input.metadata?.namespace, name);
    const sentRv = input.metadata?.resourceVersion;
    if (sentRv && sentRv !== old.metadata.resourceVersion) throw conflict(rt, name);
    let obj: KubeObject;
    if (o.subresource === 'status') {
      obj = { ...clone(old), ...(input.status !== undefined ? { status: clone(input.status) } : {}) };
    } else {
      obj = clone(input);
      obj.apiVersion = old.apiVersion;
      obj.kind = old.kind;
      const keep = ['uid', 'creationTimestamp', 'deletionTimestamp', 'namespace', 'name', 'generation'] as const;
      for (const f of keep) {
        if (old.metadata[f] === undefined) delete obj.metadata[f];
        else (obj.metadata as Record<string, unknown>)[f] = old.metadata[f];
      }
      if (rt.status) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
      applyDefaults(rt, obj);
      if (rt.generation && !deepEqual(specPart(obj), specPart(old))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (!o.skipValidation) validateObject(rt, obj, old);
    if (deepEqual(sansVolatile(obj), sansVolatile(old))) return old; // a no-op write changes nothing
    this.managed(obj, old, o);
    if (o.dryRun) return obj;
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && rt.kind !== 'Namespace') {
      return this.remove(rt, obj);
    }
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(rt).set(`${rt.namespaced ? obj.metadata.namespace : ''}/${name}`, obj);
    this.emit('MODIFIED', rt, obj, old);
    return clone(obj);
  }

  private remove(rt: ResourceType, obj: KubeObject, propagation?: StoreEvent['propagation']): KubeObject {
    const key = `${rt.namespaced ? obj.metadata.namespace : ''}/${obj.metadata.name}`;
    const old = this.table(rt).get(key);
    this.table(rt).delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    // batch/v1 Jobs orphan their pods unless the client asks for another propagationPolicy.
    this.emit('DELETED', rt, obj, old, propagation ?? (rt.kind === 'Job' ? 'Orphan' : 'Background'));
    return clone(obj);
  }

  /**
   * Deletes an object. Objects with finalizers (and namespaces) only get a deletionTimestamp;
   * `finalized` is false then. Preconditions follow DeleteOptions.preconditions.
   */
  delete(rt: ResourceType, namespace: string | undefined, name: string, opts: { uid?: string; resourceVersion?: string; dryRun?: boolean; propagation?: StoreEvent['propagation'] } = {}): { object: KubeObject; finalized: boolean } {
    const obj = this.mustGet(rt, namespace, name);
    if ((opts.uid && opts.uid !== obj.metadata.uid) || (opts.resourceVersion && opts.resourceVersion !== obj.metadata.resourceVersion)) {
      throw conflict(rt, name);
    }
    if (opts.dryRun) return { object: obj, finalized: true };
    const pending = rt.kind === 'Namespace' || (obj.metadata.finalizers ?? []).length > 0;
    if (!pending) return { object: this.remove(rt, obj, opts.propagation), finalized: true };
    if (obj.metadata.deletionTimestamp) return { object: obj, finalized: false };
    const old = clone(obj);
    obj.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (rt.kind === 'Namespace') obj.status = { ...obj.status, phase: 'Terminating' } as JsonObject;
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(rt).set(`${rt.namespaced ? namespace : ''}/${name}`, obj);
    this.emit('MODIFIED', rt, obj, old);
    return { object: clone(obj), finalized: false };
  }

  /** Removes a namespace for good once its content is gone (the namespace controller's last step). */
  finalizeNamespace(name: string): void {
    const rt = byKind('Namespace');
    const ns = this.get(rt, undefined, name);
    if (ns) this.remove(rt, ns);
  }
}
