/**
 * The StatefulSet controller, one step per `stepMs`: pods are created in ordinal order, each
 * Pending then Ready (OrderedReady); a new template revision replaces pods from the highest
 * ordinal down, one at a time. Tests can hold a rollout, or make pods stuck (ImagePullBackOff...).
 * As in Kubernetes, a stuck pod blocks the rollout even after the spec is reverted: it must be
 * deleted (or `recover` called) for the controller to go on.
 */
import { createHash } from 'node:crypto';
import { byKind } from '../resources.js';
import { isObject, objectsIn, type JsonObject, type KubeObject, type StoreEvent } from '../types.js';
import { Controller } from './controller.js';
import { keyOf, splitKey } from './loop.js';
import { isReady, podFromTemplate, runningStatus, waitingStatus } from './pods.js';

const STS = byKind('StatefulSet');
const POD = byKind('Pod');
const PVC = byKind('PersistentVolumeClaim');
const MANAGER = { fieldManager: 'kube-controller-manager', skipValidation: true } as const;

interface Failure { reason: string; message: string; revision?: string }

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** "<name>-<hash of spec.template>", the form of controller-revision-hash labels. */
export function revisionOf(sts: KubeObject): string {
  const hash = createHash('sha256').update(stableJson(sts.spec?.template ?? {})).digest('hex');
  return `${sts.metadata.name}-${BigInt(`0x${hash.slice(0, 12)}`).toString(36).slice(0, 10)}`;
}

const ordinalOf = (sts: KubeObject, pod: KubeObject) => Number((pod.metadata.name ?? '').slice((sts.metadata.name ?? '').length + 1));
const revisionLabel = (pod: KubeObject) => pod.metadata.labels?.['controller-revision-hash'];

export class StatefulSetController extends Controller {
  private readonly failures = new Map<string, Failure>();

  /**
   * The next pod the controller creates for StatefulSet ns/name gets stuck waiting with
   * `reason` (never Ready), and so does any later pod of that same template revision.
   */
  failPod(ns: string, name: string, reason = 'ImagePullBackOff', message = `Back-off pulling image: ${reason}`): void {
    this.failures.set(keyOf(ns, name), { reason, message });
  }

  /** Clears failPod: stuck pods become Ready on the next steps. */
  recover(ns: string, name: string): void {
    this.failures.delete(keyOf(ns, name));
    this.loop.schedule(keyOf(ns, name), this.stepMs);
  }

  /** True while no step is pending for any StatefulSet. */
  protected onEvent(e: StoreEvent): void {
    const { namespace = '', name = '' } = e.object.metadata;
    if (e.rt === STS && e.type !== 'DELETED') {
      const specChanged = e.type === 'ADDED' || e.old?.metadata.generation !== e.object.metadata.generation;
      if (specChanged) this.loop.schedule(keyOf(namespace, name), this.stepMs);
    }
    if (e.rt === POD && e.type === 'DELETED') {
      const owner = (e.object.metadata.ownerReferences ?? []).find((r) => r.kind === 'StatefulSet' && r.controller);
      if (owner) this.loop.schedule(keyOf(namespace, owner.name), this.stepMs);
    }
    if (e.rt === STS && e.type === 'DELETED') this.failures.delete(keyOf(namespace, name));
  }

  private stuck(key: string, revision: string): Failure | undefined {
    const f = this.failures.get(key);
    if (!f || f.revision !== revision) return undefined;
    return f;
  }

  private createPod(key: string, sts: KubeObject, ordinal: number, revision: string): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(sts, STS, name, {
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    const spec = pod.spec as Record<string, unknown>;
    spec.hostname = name;
    if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
    const claims = objectsIn(sts.spec?.volumeClaimTemplates);
    const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
    for (const c of claims) {
      const meta = (isObject(c.metadata) ? c.metadata : {}) as { name?: string };
      const claimName = `${meta.name}-${name}`;
      volumes.push({ name: meta.name ?? '', persistentVolumeClaim: { claimName } });
      if (!this.store.get(PVC, sts.metadata.namespace, claimName)) {
        this.store.create(PVC, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: sts.metadata.namespace, labels: { ...(sts.spec?.selector as { matchLabels?: Record<string, string> })?.matchLabels } }, spec: (c.spec ?? {}) as JsonObject }, MANAGER);
        this.store.update(PVC, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: sts.metadata.namespace }, status: { phase: 'Bound', accessModes: ((c.spec as JsonObject | undefined)?.accessModes ?? []) as JsonObject[] } }, { ...MANAGER, subresource: 'status' });
      }
    }
    if (claims.length) spec.volumes = volumes as JsonObject[];
    const created = this.store.create(POD, pod, MANAGER);
    const f = this.failures.get(key);
    if (f && f.revision === undefined) f.revision = revision; // the failure sticks to this revision
    const stuck = this.stuck(key, revision);
    if (stuck) this.store.update(POD, { ...created, status: waitingStatus(created, stuck.reason, stuck.message) }, { ...MANAGER, subresource: 'status' });
  }

  /** One controller step; returns the delay to the next one, or undefined when nothing is left to do. */
  protected step(key: string): number | undefined {
    const [ns, name] = splitKey(key);
    const sts = this.store.get(STS, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return undefined;
    const spec = sts.spec ?? {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const strategy = (isObject(spec.updateStrategy) ? spec.updateStrategy : {}) as { type?: string; rollingUpdate?: { partition?: number } };
    const partition = strategy.rollingUpdate?.partition ?? 0;
    const revision = revisionOf(sts);
    const status = (sts.status ?? {}) as JsonObject;
    let current = typeof status.currentRevision === 'string' ? status.currentRevision : revision;
    const pods = () => this.store.list(POD, ns, (p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === sts.metadata.uid));

    let acted = false;
    if (!this.held.has(key)) {
      const all = pods();
      const byOrdinal = new Map(all.map((p) => [ordinalOf(sts, p), p]));
      acted = ((): boolean => {
        for (let i = 0; i < replicas; i++) {
          const p = byOrdinal.get(i);
          if (!p) {
            this.createPod(key, sts, i, i < partition ? current : revision);
            return true;
          }
          if (!isReady(p)) {
            if (this.stuck(key, revisionLabel(p) ?? '')) return false; // blocked: OrderedReady waits for this pod
            this.store.update(POD, { ...p, status: runningStatus(p) }, { ...MANAGER, subresource: 'status' });
            return true;
          }
        }
        const condemned = all.filter((p) => ordinalOf(sts, p) >= replicas).sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
        if (condemned[0]) {
          this.store.delete(POD, ns, condemned[0].metadata.name ?? '');
          return true;
        }
        if (strategy.type !== 'OnDelete') {
          for (let i = replicas - 1; i >= partition; i--) {
            const p = byOrdinal.get(i);
            if (p && revisionLabel(p) !== revision) {
              this.store.delete(POD, ns, p.metadata.name ?? '');
              return true;
            }
          }
        }
        return false;
      })();
    }

    const now = pods();
    const updated = now.filter((p) => revisionLabel(p) === revision).length;
    const ready = now.filter(isReady).length;
    // As completeRollingUpdate does: the rollout is complete once every pod is updated and ready.
    if (updated === replicas && now.length === replicas && ready === replicas) current = revision;
    const currentReplicas = now.filter((p) => revisionLabel(p) === current).length;
    // Like the Go types, zero counts marked omitempty are left out.
    const next: JsonObject = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: now.length,
      ...(ready ? { readyReplicas: ready } : {}),
      availableReplicas: ready,
      ...(currentReplicas ? { currentReplicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      currentRevision: current,
      updateRevision: revision,
      collisionCount: 0,
    };
    this.store.update(STS, { ...sts, status: next }, { ...MANAGER, subresource: 'status' });
    return acted ? this.stepMs : undefined;
  }

}

