/**
 * Waiting for a StatefulSet rollout with a watch (no sleeps), with the rules of
 * `kubectl rollout status`: the controller has observed the spec, every replica is ready, and
 * the current revision has caught up with the update revision. On timeout, the stuck pod and its
 * reason are named.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import type { Progress } from '../io.js';
import { debug, warn } from '../io.js';
import { watchUntil } from './watch.js';
import { asText } from '../text.js';

interface StsStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

export interface RolloutState {
  done: boolean;
  message: string;
  /** Set when the rollout finished at a partition: the pods below it still run the old revision. */
  partition?: number;
}

export function rolloutState(sts: KubeObject): RolloutState {
  const spec = (sts.spec ?? {}) as { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
  const st = (sts.status ?? {}) as StsStatus;
  const want = spec.replicas ?? 1;
  const name = sts.metadata.name;
  if (st.observedGeneration === undefined || (sts.metadata.generation ?? 0) > st.observedGeneration) {
    return { done: false, message: `${name}: waiting for the controller to see the new spec` };
  }
  const ready = st.readyReplicas ?? 0;
  const updated = st.updatedReplicas ?? 0;
  if (ready < want) return { done: false, message: `${name}: ${ready}/${want} pods ready, ${updated}/${want} updated` };
  if (spec.updateStrategy?.type === 'OnDelete') return { done: true, message: `${name}: ${ready}/${want} ready (OnDelete strategy)` };
  // A partition (a canary someone set) updates only the pods at or above it, as in `kubectl rollout status`.
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0 && st.updateRevision !== st.currentRevision) {
    const target = Math.max(want - partition, 0);
    if (updated < target)
      return { done: false, message: `${name}: ${updated}/${target} pods updated above partition ${partition}, ${ready}/${want} ready` };
    return {
      done: true,
      partition,
      message: `${name}: partitioned rollout complete: ${updated} of ${want} pods at revision ${st.updateRevision ?? '?'}; ${want - target} below partition ${partition} stay at ${st.currentRevision ?? '?'}`,
    };
  }
  if (st.updateRevision !== st.currentRevision) {
    return { done: false, message: `${name}: ${updated}/${want} pods at revision ${st.updateRevision ?? '?'}, ${ready}/${want} ready` };
  }
  return { done: true, message: `${name}: ${ready}/${want} pods ready at revision ${st.currentRevision ?? '?'}` };
}

export interface RolloutOptions {
  timeoutMs: number;
  progress?: Progress;
  /** The StatefulSet as just applied, when the caller has it. */
  initial?: KubeObject;
}

export async function waitForRollout(
  ctx: Context,
  api: KubeClient,
  namespace: string,
  name: string,
  options: RolloutOptions,
): Promise<KubeObject> {
  const started = Date.now();
  const result = await watchUntil(
    ctx,
    api,
    'StatefulSet',
    namespace,
    name,
    options.timeoutMs,
    (sts) => {
      if (!sts)
        throw new OperationError(`statefulset ${name} in ${namespace} disappeared during the rollout`, {
          hint: 'someone deleted it; run deploy again',
          code: 'ROLLOUT_GONE',
        });
      const state = rolloutState(sts);
      options.progress?.update(state.message);
      return state.done;
    },
    options.initial,
  );
  if (result.done) {
    const final = rolloutState(result.object!);
    if (final.partition) {
      const patch = `kubectl -n ${namespace} patch statefulset ${name} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`;
      warn(ctx.io, 'kube.rollout.partitioned', `${final.message}; to roll the rest: ${patch}`, {
        namespace,
        name,
        partition: final.partition,
      });
    }
    debug(ctx.io, 'rollout.done', `${name} rolled out in ${Date.now() - started} ms`, { namespace, name, ms: Date.now() - started });
    return result.object!;
  }
  if (ctx.signal.aborted)
    throw new InterruptedError(`stopped waiting for ${name} in ${namespace}; the rollout goes on in the cluster`, {
      hint: 'fragctl <env> status shows where it is',
      code: 'WAIT_INTERRUPTED',
    });
  const stuck = await stuckPod(api, namespace, result.object);
  const state = result.object ? rolloutState(result.object).message : `${name}: no status`;
  throw new OperationError(
    `rollout of ${name} in ${namespace} did not finish within ${Math.round(options.timeoutMs / 1000)} s (${state})${stuck ? `: pod ${stuck.pod} is stuck: ${stuck.reason}` : ''}`,
    {
      hint:
        stuck?.hint ??
        (stuck
          ? `kubectl -n ${namespace} describe pod ${stuck.pod}; fragctl <env> rollback returns to the previous tag`
          : `kubectl -n ${namespace} get pods; fragctl <env> rollback returns to the previous tag`),
      code: 'ROLLOUT_TIMEOUT',
      details: stuck?.message ? [stuck.message] : [],
    },
  );
}

interface Stuck {
  pod: string;
  reason: string;
  message?: string;
  hint?: string;
}

interface PodStatus {
  phase?: string;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  containerStatuses?: Array<{
    name: string;
    ready?: boolean;
    state?: Record<string, { reason?: string; message?: string; exitCode?: number } | undefined>;
  }>;
}

/** The label selector of a workload's pods (its spec.selector.matchLabels), '' when it has none. */
export function podSelector(workload: Pick<KubeObject, 'spec'> | undefined): string {
  const labels = ((workload?.spec?.selector ?? {}) as { matchLabels?: Record<string, string> }).matchLabels ?? {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Whether the pod's Ready condition is True. */
export const isPodReady = (pod: KubeObject): boolean =>
  ((pod.status as PodStatus | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The first pod of the StatefulSet that is not ready, with the reason Kubernetes gives. */
export async function stuckPod(api: KubeClient, namespace: string, sts: KubeObject | undefined): Promise<Stuck | undefined> {
  const pods = (await api.list('Pod', namespace, { labelSelector: podSelector(sts) })).items;
  const notReady = pods.filter((p) => !isPodReady(p)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const pod = notReady[0];
  if (!pod) return undefined;
  const reason = podReason(pod);
  if (reason.reason === 'Unschedulable') {
    const claim = await pendingClaim(api, namespace, pod);
    if (claim)
      return {
        pod: pod.metadata.name,
        ...claim,
        hint: `kubectl -n ${namespace} describe pvc ${claim.claim}: the storage class's provisioner must run and be able to give the claim's access mode; or choose another class (storage_class in the environment)`,
      };
  }
  return { pod: pod.metadata.name, ...reason };
}

/** The first claim of the pod that is not bound, with what the volume controller last said of it. */
async function pendingClaim(
  api: KubeClient,
  namespace: string,
  pod: KubeObject,
): Promise<{ claim: string; reason: string; message?: string } | undefined> {
  const volumes = ((pod.spec ?? {}) as { volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }> }).volumes ?? [];
  for (const name of volumes.map((v) => v.persistentVolumeClaim?.claimName).filter((n): n is string => !!n)) {
    const claim = await api.get('PersistentVolumeClaim', name, namespace);
    const phase = ((claim?.status ?? {}) as { phase?: string }).phase ?? 'missing';
    if (phase === 'Bound') continue;
    const events = (
      await api.list('Event', namespace, { fieldSelector: `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name}` })
    ).items;
    const last = events
      .sort((a, b) =>
        asText(a.lastTimestamp ?? a.metadata.creationTimestamp).localeCompare(asText(b.lastTimestamp ?? b.metadata.creationTimestamp)),
      )
      .at(-1);
    const storageClass = ((claim?.spec ?? {}) as { storageClassName?: string }).storageClassName;
    return {
      claim: name,
      reason: `claim ${name} is ${phase}${storageClass ? ` (storage class ${storageClass})` : ''}`,
      message: typeof last?.message === 'string' ? last.message : undefined,
    };
  }
  return undefined;
}

export function podReason(pod: KubeObject): { reason: string; message?: string } {
  const st = (pod.status ?? {}) as PodStatus;
  for (const c of st.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason) return { reason: waiting.reason, message: waiting.message };
    const term = c.state?.terminated;
    if (term) return { reason: term.reason ?? `exited ${term.exitCode ?? '?'}`, message: term.message };
  }
  const cond = (st.conditions ?? []).find((c) => c.status === 'False' && c.reason);
  if (cond) return { reason: cond.reason!, message: cond.message };
  return { reason: st.phase ?? 'Pending' };
}
