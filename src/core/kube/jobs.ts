/**
 * One-off Jobs (data loader, replicators, rendered from kubernetes/jobs/): waited for with a watch,
 * reported with the last lines of their pod's log.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import type { Manifest } from './manifests.js';
import { watchUntil } from './watch.js';

export const JOB_LABEL = 'fragctl.io/job';
export const TASK_LABEL = 'fragctl.io/task';

export type JobState = 'active' | 'succeeded' | 'failed';

export function jobState(job: KubeObject): JobState {
  const conditions = ((job.status?.conditions ?? []) as Array<{ type: string; status: string }>).filter((c) => c.status === 'True');
  if (conditions.some((c) => c.type === 'Complete')) return 'succeeded';
  if (conditions.some((c) => c.type === 'Failed')) return 'failed';
  return 'active';
}

/** "3m12s" since the Job was made. */
export function ageOf(obj: KubeObject, now = Date.now()): string {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : now;
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** Deletes a Job and its pods (the pods explicitly: a Job's pods outlive it under orphan deletion). */
export async function deleteJob(api: KubeClient, namespace: string, name: string): Promise<void> {
  await api.delete('Job', name, namespace, 'Background');
  for (const pod of (await api.list('Pod', namespace, { labelSelector: `${JOB_LABEL}=${name}` })).items) {
    await api.delete('Pod', pod.metadata.name, namespace);
  }
}

export interface JobOutcome {
  job: string;
  state: JobState;
  pod?: string;
  logs: string[];
  seconds: number;
}

export async function runJob(
  ctx: Context,
  api: KubeClient,
  namespace: string,
  manifest: Manifest,
  timeoutMs: number,
  what: string,
): Promise<JobOutcome> {
  const started = Date.now();
  const progress = ctx.io.progress(`${what}: job ${manifest.metadata.name} started`);
  await api.create(manifest);
  const result = await watchUntil(ctx, api, 'Job', namespace, manifest.metadata.name, timeoutMs, (job) => {
    if (!job)
      throw new OperationError(`job ${manifest.metadata.name} was deleted while fragctl waited for it`, {
        hint: 'someone removed it (load --replace?)',
        code: 'JOB_GONE',
      });
    const st = job.status as { active?: number; succeeded?: number; failed?: number } | undefined;
    progress.update(`${what}: job ${manifest.metadata.name} ${jobState(job)} (active ${st?.active ?? 0}, failed ${st?.failed ?? 0})`);
    return jobState(job) !== 'active';
  });
  if (!result.done) {
    progress.fail(`${what}: job ${manifest.metadata.name} still running`);
    if (ctx.signal.aborted)
      throw new InterruptedError(`stopped waiting for job ${manifest.metadata.name}; it goes on in the cluster`, {
        hint: 'fragctl <env> status shows it',
        code: 'WAIT_INTERRUPTED',
      });
    throw new OperationError(`${what}: job ${manifest.metadata.name} did not finish within ${Math.round(timeoutMs / 1000)} s`, {
      hint: `it goes on in the cluster: kubectl -n ${namespace} logs -l ${JOB_LABEL}=${manifest.metadata.name} -f`,
      code: 'JOB_TIMEOUT',
    });
  }
  const state = jobState(result.object!);
  const pods = (await api.list('Pod', namespace, { labelSelector: `${JOB_LABEL}=${manifest.metadata.name}` })).items;
  const pod = pods.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')).at(-1);
  const logs = pod ? (await api.podLog(namespace, pod.metadata.name, 20)).split('\n').filter((l) => l !== '') : [];
  const outcome = {
    job: manifest.metadata.name,
    state,
    pod: pod?.metadata.name,
    logs,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (state === 'failed') {
    progress.fail(`${what}: job ${manifest.metadata.name} failed`);
    const failed = (
      (result.object!.status?.conditions ?? []) as Array<{ type: string; status: string; reason?: string; message?: string }>
    ).find((c) => c.type === 'Failed' && c.status === 'True');
    const why = failed?.reason ? `: ${failed.reason}${failed.message ? ` (${failed.message})` : ''}` : '';
    throw new OperationError(
      `${what} failed: job ${manifest.metadata.name}${pod ? ` (pod ${pod.metadata.name})` : ''}${why}; last log lines below`,
      {
        hint: `kubectl -n ${namespace} logs ${pod?.metadata.name ?? `-l ${JOB_LABEL}=${manifest.metadata.name}`} shows the whole log`,
        code: 'JOB_FAILED',
        details: logs.length ? logs : ['(the pod left no log)'],
      },
    );
  }
  progress.succeed(`${what}: job ${manifest.metadata.name} succeeded in ${outcome.seconds} s`);
  return outcome;
}

/** A name no other run took: <task>-<UTC time>-<random>. */
export function jobName(task: string): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${task}-${t}-${Math.random().toString(36).slice(2, 6)}`;
}
