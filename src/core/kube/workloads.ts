/**
 * Readiness of every workload kind a release may hold, with the rules of `kubectl rollout status`
 * (Deployments, StatefulSets, DaemonSets) and of `kubectl wait --for=condition=complete` (Jobs
 * marked as part of the deploy), and a wait on all of them at once, each with a watch.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { warn, type Progress } from '../io.js';
import type { Manifest } from './manifests.js';
import { rolloutState, stuckPod, type RolloutState } from './rollout.js';
import { watchUntil } from './watch.js';

/** A Job with this annotation ("true") is waited for by deploy: the release is ready when it completed. */
export const DEPLOY_JOB = 'fragctl.io/wait';
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

export const isWorkload = (m: Pick<Manifest, 'kind' | 'metadata'>): boolean =>
  WORKLOAD_KINDS.includes(m.kind) || (m.kind === 'Job' && m.metadata.annotations?.[DEPLOY_JOB] === 'true');

type Status = Record<string, number | undefined> & {
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
};

function observed(obj: KubeObject): boolean {
  const st = (obj.status ?? {}) as Status;
  return st.observedGeneration !== undefined && (obj.metadata.generation ?? 0) <= st.observedGeneration;
}

export function workloadState(kind: string, obj: KubeObject): RolloutState & { failed?: boolean } {
  const name = `${kind.toLowerCase()}/${obj.metadata.name}`;
  const st = (obj.status ?? {}) as Status;
  if (kind === 'StatefulSet') return { ...rolloutState(obj), message: `${name}: ${rolloutState(obj).message.replace(/^[^:]*: /, '')}` };
  if (kind === 'Job') {
    const cond = (st.conditions ?? []).filter((c) => c.status === 'True');
    if (cond.some((c) => c.type === 'Complete')) return { done: true, message: `${name}: complete` };
    const failed = cond.find((c) => c.type === 'Failed');
    if (failed)
      return {
        done: false,
        failed: true,
        message: `${name}: failed (${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''})`,
      };
    return { done: false, message: `${name}: ${st.active ?? 0} running, ${st.succeeded ?? 0} succeeded` };
  }
  if (!observed(obj)) return { done: false, message: `${name}: waiting for the controller to see the new spec` };
  if (kind === 'DaemonSet') {
    const want = st.desiredNumberScheduled ?? 0;
    const updated = st.updatedNumberScheduled ?? 0;
    const available = st.numberAvailable ?? 0;
    return { done: updated >= want && available >= want, message: `${name}: ${updated}/${want} updated, ${available}/${want} available` };
  }
  const want = (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  const deadline = (st.conditions ?? []).find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (deadline) return { done: false, failed: true, message: `${name}: progress deadline exceeded` };
  if (updated < want) return { done: false, message: `${name}: ${updated}/${want} pods updated` };
  if ((st.replicas ?? 0) > updated) return { done: false, message: `${name}: ${(st.replicas ?? 0) - updated} old pods still terminating` };
  if ((st.availableReplicas ?? 0) < updated) return { done: false, message: `${name}: ${st.availableReplicas ?? 0}/${want} available` };
  return { done: true, message: `${name}: ${want}/${want} ready` };
}

export interface WaitOptions {
  timeoutMs: number;
  progress?: Progress;
  /** Objects as just applied (saves a read each). */
  applied?: Map<string, KubeObject>;
}

/** Waits until every workload of `manifests` is ready; the first that fails or times out is named with its stuck pod. */
export async function waitForWorkloads(ctx: Context, api: KubeClient, manifests: Manifest[], o: WaitOptions): Promise<void> {
  const workloads = manifests.filter(isWorkload);
  const states = new Map<string, { done: boolean; message: string }>();
  // The first workload that fails stops the other watches.
  const stop = new AbortController();
  const wctx: Context = { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) };
  // By each state's own verdict, not its wording ("statefulset/db: 1/2 pods ready, …" waits); the
  // finished ones are shown only once every workload has reported and none waits.
  const show = () => {
    const all = [...states.values()];
    const waiting = all.filter((s) => !s.done);
    const shown = waiting.length ? waiting : states.size === workloads.length ? all : [];
    o.progress?.update(shown.map((s) => s.message).join('; ') || 'waiting for the workloads to report');
  };
  await Promise.all(
    workloads.map(async (m) => {
      try {
        const ns = m.metadata.namespace!;
        const key = `${m.kind}/${m.metadata.name}`;
        const result = await watchUntil(
          wctx,
          api,
          m.kind,
          ns,
          m.metadata.name,
          o.timeoutMs,
          (obj) => {
            if (!obj)
              throw new OperationError(`${m.kind} ${m.metadata.name} in ${ns} disappeared during the rollout`, {
                hint: 'someone deleted it; deploy again',
                code: 'ROLLOUT_GONE',
              });
            const state = workloadState(m.kind, obj);
            states.set(key, { done: state.done, message: state.message });
            show();
            if (state.failed)
              throw new OperationError(`${state.message} in ${ns}`, {
                hint: `kubectl -n ${ns} describe ${m.kind.toLowerCase()} ${m.metadata.name}`,
                code: 'ROLLOUT_FAILED',
              });
            return state.done;
          },
          o.applied?.get(key),
        );
        if (result.done) {
          const final = m.kind === 'StatefulSet' ? rolloutState(result.object!) : undefined;
          if (final?.partition) {
            const patch = `kubectl -n ${ns} patch statefulset ${m.metadata.name} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`;
            warn(ctx.io, 'kube.rollout.partitioned', `${final.message}; to roll the rest: ${patch}`, {
              namespace: ns,
              name: m.metadata.name,
              partition: final.partition,
            });
          }
          return;
        }
        if (stop.signal.aborted && !ctx.signal.aborted) return;
        if (ctx.signal.aborted)
          throw new InterruptedError(`stopped waiting for ${key} in ${ns}; the rollout goes on in the cluster`, {
            hint: 'fragctl <env> status shows where it is',
            code: 'WAIT_INTERRUPTED',
          });
        const stuck = await stuckPod(api, ns, result.object);
        const state = result.object ? workloadState(m.kind, result.object).message : `${key}: no status`;
        throw new OperationError(
          `rollout of ${m.kind.toLowerCase()}/${m.metadata.name} in ${ns} did not finish within ${Math.round(o.timeoutMs / 1000)} s (${state})${stuck ? `: pod ${stuck.pod} is stuck: ${stuck.reason}` : ''}`,
          {
            hint:
              stuck?.hint ??
              `${stuck ? `kubectl -n ${ns} describe pod ${stuck.pod}` : `kubectl -n ${ns} get pods`}; fragctl <env> rollback returns to the previous release`,
            code: 'ROLLOUT_TIMEOUT',
            details: stuck?.message ? [stuck.message] : [],
          },
        );
      } catch (e) {
        stop.abort();
        throw e;
      }
    }),
  );
}
