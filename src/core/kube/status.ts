/** `status` and `history` of a Kubernetes stack: what runs, how ready, what ran before. */
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { touched } from './connect.js';
import { jobState, TASK_LABEL, ageOf } from './jobs.js';
import { openStack } from './release/open.js';
import { summary, type ReleaseSummary } from './release/record.js';
import { isWorkload, workloadState } from './workloads.js';
import { asText } from '../text.js';

export interface WorkloadStatus {
  kind: string;
  name: string;
  image?: string;
  replicas: number;
  ready: number;
  rolledOut: boolean;
  message: string;
}

export interface KubeStatus {
  env: string;
  platform: 'kubernetes';
  namespace: string;
  url: string;
  deployed: boolean;
  workloads: WorkloadStatus[];
  jobs: Array<{ name: string; task: string; state: string; age: string }>;
  cronJobs: Array<{ name: string; task: string; schedule: string; suspended: boolean; lastSchedule?: string }>;
  lastDeploy?: ReleaseSummary;
}

function workload(kind: string, obj: KubeObject): WorkloadStatus {
  const spec = obj.spec as { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  const st = (obj.status ?? {}) as { readyReplicas?: number; numberReady?: number };
  const state = workloadState(kind, obj);
  return {
    kind,
    name: obj.metadata.name,
    image: spec.template?.spec?.containers?.[0]?.image,
    replicas: spec.replicas ?? 1,
    ready: st.readyReplicas ?? st.numberReady ?? 0,
    rolledOut: state.done,
    message: state.message,
  };
}

export async function kubeStatus(ctx: Context): Promise<KubeStatus> {
  const s = await openStack(ctx);
  const { stack, api } = s;
  const base = { env: stack.env, platform: 'kubernetes' as const, namespace: stack.namespace, url: stack.url };
  if (!s.namespace) return { ...base, deployed: false, workloads: [], jobs: [], cronJobs: [] };
  const last = s.history.at(-1);
  const workloads: WorkloadStatus[] = [];
  for (const m of (last?.manifests ?? []).filter(isWorkload)) {
    const live = await api.get(m.kind, m.metadata.name, stack.namespace);
    if (live) workloads.push(workload(m.kind, live));
  }
  const jobs = (await api.list('Job', stack.namespace, { labelSelector: TASK_LABEL })).items;
  const crons = (await api.list('CronJob', stack.namespace)).items;
  touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, read: true });
  return {
    ...base,
    deployed: !!last,
    workloads,
    jobs: jobs.map((j) => ({ name: j.metadata.name, task: j.metadata.labels?.[TASK_LABEL] ?? '?', state: jobState(j), age: ageOf(j) })),
    cronJobs: crons.map((c) => ({
      name: c.metadata.name,
      task: c.metadata.labels?.[TASK_LABEL] ?? '-',
      schedule: asText(c.spec?.schedule),
      suspended: c.spec?.suspend === true,
      lastSchedule: (c.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime,
    })),
    ...(last ? { lastDeploy: summary(last) } : {}),
  };
}

export async function kubeHistory(ctx: Context): Promise<{ env: string; namespace: string; entries: ReleaseSummary[] }> {
  const s = await openStack(ctx);
  return { env: s.stack.env, namespace: s.stack.namespace, entries: s.history.map(summary) };
}
