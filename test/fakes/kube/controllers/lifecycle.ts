/**
 * What kube-controller-manager does for every object: the namespace controller (default
 * ServiceAccount on create; on delete, Terminating, then all content removed, then gone)
 * and the garbage collector (dependents removed after their owner, unless orphaned).
 */
import { byKind, RESOURCES } from '../resources.js';
import type { Store } from '../store.js';
import type { StoreEvent } from '../types.js';
import { Loop } from './loop.js';

export interface LifecycleOptions {
  /** How long a deleted namespace stays Terminating before its content and itself are removed. */
  namespaceTerminationMs: number;
  /** Create the "default" ServiceAccount and "kube-root-ca.crt" ConfigMap in new namespaces. */
  namespaceDefaults: boolean;
}

export class LifecycleController {
  private readonly loop: Loop;
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(private readonly store: Store, private readonly opts: LifecycleOptions) {
    this.loop = new Loop((key) => this.finalize(key));
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const meta = e.object.metadata;
    if (e.rt.kind === 'Namespace' && e.type === 'ADDED' && this.opts.namespaceDefaults) {
      setImmediate(() => this.populate(meta.name ?? ''));
    }
    if (e.rt.kind === 'Namespace' && e.type === 'MODIFIED' && meta.deletionTimestamp && !e.old?.metadata.deletionTimestamp) {
      this.loop.schedule(meta.name ?? '', this.opts.namespaceTerminationMs);
    }
    if (e.type === 'DELETED' && e.propagation !== 'Orphan' && e.rt.kind !== 'Namespace') {
      const uid = meta.uid;
      setImmediate(() => this.collect(uid ?? '', meta.namespace));
    }
  }

  private populate(ns: string): void {
    if (this.stopped) return;
    const make = (kind: string, name: string, extra: Record<string, unknown>) => {
      const rt = byKind(kind);
      if (!this.store.get(rt, ns, name) && this.store.get(byKind('Namespace'), undefined, ns)) {
        try {
          this.store.create(rt, { apiVersion: 'v1', kind, metadata: { name, namespace: ns }, ...extra }, { fieldManager: 'kube-controller-manager', skipValidation: true });
        } catch {
          // the namespace went away in between: nothing to populate
        }
      }
    };
    make('ServiceAccount', 'default', {});
    make('ConfigMap', 'kube-root-ca.crt', { data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n' } });
  }

  /** Removes every object in the namespace, then the namespace itself (retried while finalizers hold objects). */
  private finalize(ns: string): number | undefined {
    let left = 0;
    for (const rt of RESOURCES.filter((r) => r.namespaced)) {
      for (const obj of this.store.list(rt, ns)) {
        if (!this.store.get(rt, ns, obj.metadata.name ?? '')) continue;
        if (!this.store.delete(rt, ns, obj.metadata.name ?? '', { propagation: 'Orphan' }).finalized) left++;
      }
    }
    if (left > 0) return 50;
    this.store.finalizeNamespace(ns);
    return undefined;
  }

  private collect(ownerUid: string, ns: string | undefined): void {
    if (!ownerUid || this.stopped) return;
    for (const rt of RESOURCES.filter((r) => r.namespaced)) {
      for (const obj of this.store.list(rt, ns, (o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid))) {
        if (this.store.get(rt, obj.metadata.namespace, obj.metadata.name ?? '')) this.store.delete(rt, obj.metadata.namespace, obj.metadata.name ?? '');
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.loop.stop();
  }
}
