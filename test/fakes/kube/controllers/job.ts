/**
 * The Job controller: each attempt is a pod, Running after one step and finished after the next
 * (Succeeded by default). Tests can hold a Job running, make attempts fail, and set pod logs.
 * Attempts go on until spec.completions succeed or failures exceed spec.backoffLimit.
 */
import { randomSuffix, type Store } from '../store.js';
import { byKind } from '../resources.js';
import { type JsonObject, type KubeObject, type StoreEvent } from '../types.js';
import { Controller } from './controller.js';
import { keyOf, now, splitKey } from './loop.js';
import { podFromTemplate, runningStatus, terminatedStatus } from './pods.js';

const JOB = byKind('Job');
const POD = byKind('Pod');
const MANAGER = { fieldManager: 'kube-controller-manager', skipValidation: true } as const;

export interface JobFailure {
  /** Only the Job with this namespace/name (any when omitted). */
  namespace?: string;
  name?: string;
  /** How many attempts fail (default: all of them, so the Job fails with BackoffLimitExceeded). */
  attempts?: number;
  exitCode?: number;
  /** Log text of the failing pods. */
  log?: string;
}

interface Plan { failuresLeft: number; exitCode: number; log?: string }

export class JobController extends Controller {
  private readonly armed: JobFailure[] = [];
  private readonly plans = new Map<string, Plan>();
  private readonly jobLogs = new Map<string, string>();

  constructor(store: Store, stepMs: number, private readonly podLogs: Map<string, string>) {
    super(store, stepMs);
  }

  /** The next Job created (matching namespace/name if given) has failing attempts. */
  failNext(f: JobFailure = {}): void {
    this.armed.push(f);
  }

  /** Log text of the pods of Job ns/name (successful attempts; failing ones use JobFailure.log if set). */
  setLog(ns: string, name: string, text: string): void {
    this.jobLogs.set(keyOf(ns, name), text);
  }

  protected onEvent(e: StoreEvent): void {
    if (e.rt !== JOB) return;
    const { namespace = '', name = '' } = e.object.metadata;
    const key = keyOf(namespace, name);
    if (e.type === 'ADDED') {
      const i = this.armed.findIndex((f) => (f.namespace === undefined || f.namespace === namespace) && (f.name === undefined || f.name === name));
      const f = i >= 0 ? this.armed.splice(i, 1)[0] : undefined;
      this.plans.set(key, { failuresLeft: f ? (f.attempts ?? Infinity) : 0, exitCode: f?.exitCode ?? 1, ...(f?.log !== undefined ? { log: f.log } : {}) });
      if (e.object.spec?.suspend !== true) this.loop.schedule(key, this.stepMs);
    } else if (e.type === 'MODIFIED' && e.old?.spec?.suspend === true && e.object.spec?.suspend === false) {
      this.loop.schedule(key, this.stepMs);
    } else if (e.type === 'DELETED') this.plans.delete(key);
  }

  private updateStatus(job: KubeObject, status: JsonObject): void {
    this.store.update(JOB, { ...job, status }, { ...MANAGER, subresource: 'status' });
  }

  protected step(key: string): number | undefined {
    const [ns, name] = splitKey(key);
    const job = this.store.get(JOB, ns, name);
    if (!job || job.metadata.deletionTimestamp || job.spec?.suspend === true) return undefined;
    const spec = job.spec ?? {};
    const status = { ...(job.status ?? {}) } as JsonObject;
    const conditions = Array.isArray(status.conditions) ? status.conditions : [];
    if (conditions.length > 0) return undefined; // finished
    const pods = this.store.list(POD, ns, (p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === job.metadata.uid));
    const active = pods.find((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending');
    const completions = typeof spec.completions === 'number' ? spec.completions : 1;
    const backoffLimit = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;

    if (!active) {
      const pod = podFromTemplate(job, JOB, `${name}-${randomSuffix()}`, {});
      const created = this.store.create(POD, pod, MANAGER);
      this.store.update(POD, { ...created, status: runningStatus(created) }, { ...MANAGER, subresource: 'status' });
      this.updateStatus(job, { ...status, startTime: (status.startTime as string | undefined) ?? now(), active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} });
      return this.held.has(key) ? undefined : this.stepMs;
    }
    if (this.held.has(key)) return undefined;

    const plan = this.plans.get(key) ?? { failuresLeft: 0, exitCode: 1 };
    const fails = plan.failuresLeft > 0;
    if (fails) plan.failuresLeft--;
    this.podLogs.set(keyOf(ns, active.metadata.name ?? ''), fails ? (plan.log ?? `error: job ${name} failed\n`) : (this.jobLogs.get(key) ?? `job ${name} done\n`));
    this.store.update(POD, { ...active, status: terminatedStatus(active, fails ? plan.exitCode : 0, fails ? 'Error' : 'Completed') }, { ...MANAGER, subresource: 'status' });

    const succeeded = ((status.succeeded as number | undefined) ?? 0) + (fails ? 0 : 1);
    const failed = ((status.failed as number | undefined) ?? 0) + (fails ? 1 : 0);
    const { active: _a, ready: _r, ...rest } = status;
    const next: JsonObject = { ...rest, ready: 0, terminating: 0, ...(succeeded ? { succeeded } : {}), ...(failed ? { failed } : {}) };
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastProbeTime: now(), lastTransitionTime: now() });
    if (succeeded >= completions) {
      next.completionTime = now();
      next.conditions = [cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
      this.updateStatus(job, next);
      return undefined;
    }
    if (failed > backoffLimit) {
      next.conditions = [cond('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), cond('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')];
      this.updateStatus(job, next);
      return undefined;
    }
    this.updateStatus(job, next);
    return this.stepMs; // next attempt
  }

}
