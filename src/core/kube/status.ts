/** `status` and `history` of a Kubernetes stack: what runs, how ready, what ran before. */
import type { KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { readHistory, type HistoryEntry } from './history.js';
import { jobState, TASK_LABEL, ageOf } from './jobs.js';
import { rolloutState } from './rollout.js';
import { APP, DATABASE, resolveStack } from './stack.js';

export interface WorkloadStatus {
  name: string;
  image?: string;
  replicas: number;
  ready: number;
  updated: number;
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
  lastDeploy?: HistoryEntry;
}

function workload(sts: KubeObject): WorkloadStatus {
  const spec = sts.spec as { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  const st = (sts.status ?? {}) as { readyReplicas?: number; updatedReplicas?: number };
  const state = rolloutState(sts);
  return {
    name: sts.metadata.name,
    image: spec.template?.spec?.containers?.[0]?.image,
    replicas: spec.replicas ?? 1,
    ready: st.readyReplicas ?? 0,
    updated: st.updatedReplicas ?? 0,
    rolledOut: state.done,
    message: state.message,
  };
}

export async function kubeStatus(ctx: Context): Promise<KubeStatus> {
  const stack = resolveStack(ctx.env);
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  const base = { env: stack.env, platform: 'kubernetes' as const, namespace: stack.namespace, url: stack.url };
  if (!ns) return { ...base, deployed: false, workloads: [], jobs: [] };
  const sets = (await api.list('StatefulSet', stack.namespace)).items.filter((s) => [APP, DATABASE].includes(s.metadata.name));
  const jobs = (await api.list('Job', stack.namespace, { labelSelector: TASK_LABEL })).items;
  const history = await readHistory(api, stack.namespace);
  touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, read: true });
  return {
    ...base,
    deployed: sets.some((s) => s.metadata.name === APP),
    workloads: sets.map(workload),
    jobs: jobs.map((j) => ({ name: j.metadata.name, task: j.metadata.labels?.[TASK_LABEL] ?? '?', state: jobState(j), age: ageOf(j) })),
    lastDeploy: history.at(-1),
  };
}

export async function kubeHistory(ctx: Context): Promise<{ env: string; namespace: string; entries: HistoryEntry[] }> {
  const stack = resolveStack(ctx.env);
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  const entries = ns ? await readHistory(api, stack.namespace) : [];
  return { env: stack.env, namespace: stack.namespace, entries };
}
