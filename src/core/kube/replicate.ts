/**
 * `replicate db|media --from SOURCE`: copy another environment's database or media into this one,
 * as a one-off Job or, with --schedule, a CronJob that never overlaps itself. Never into a
 * protected environment; only between stacks running the same image tag unless allowed.
 */
import { loadEnvironment } from '../config/project.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { success } from '../io.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { deployedStack } from './change-image.js';
import { formatImage, shownTag } from './image.js';
import { jobManifest, jobName, jobPodTemplate, runJob, TASK_LABEL, type JobOutcome } from './jobs.js';
import { resolveStack } from './stack.js';
import { runningImage } from './target-image.js';

export interface ReplicateOptions {
  what: string;
  from: string;
  schedule?: string;
  allowVersionMismatch?: boolean;
  timeoutMs?: number;
}

export interface ReplicateResult {
  env: string;
  namespace: string;
  what: 'db' | 'media';
  from: string;
  sourceNamespace: string;
  mode: 'job' | 'cronjob';
  schedule?: string;
  job?: JobOutcome;
  cronJob?: string;
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

export function checkSchedule(schedule: string): void {
  const fields = schedule.trim().split(/\s+/);
  const named = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule.trim());
  if (!named && (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f) || /^[A-Za-z]{3}(-[A-Za-z]{3})?$/.test(f)))) {
    throw new UserError(`--schedule "${schedule}" is not a cron schedule`, { hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *", or @daily', code: 'USAGE' });
  }
}

export async function replicate(ctx: Context, o: ReplicateOptions): Promise<ReplicateResult> {
  if (o.what !== 'db' && o.what !== 'media') throw new UserError(`cannot replicate "${o.what}"`, { hint: 'replicate db or replicate media', code: 'USAGE' });
  const what = o.what;
  if (o.schedule !== undefined) checkSchedule(o.schedule);
  if (ctx.env.protected) {
    throw new UserError(`refusing to replicate into ${ctx.env.name}: it is a protected environment`, {
      hint: 'replication overwrites the target\'s data; replicate from the protected environment into another one instead',
      code: 'PROTECTED',
    });
  }
  if (o.from === ctx.env.name) throw new UserError('--from names this same environment', { hint: 'give the environment to copy from', code: 'USAGE' });
  const sourceEnv = loadEnvironment(ctx.project, o.from);
  if (sourceEnv.platform !== 'kubernetes') {
    throw new UserError(`--from ${o.from} is a ${sourceEnv.platform} environment`, { hint: 'replicate copies between Kubernetes environments', code: 'USAGE' });
  }
  const stack = resolveStack(ctx.env);
  const source = resolveStack(sourceEnv);
  const target = await deployedStack(ctx, stack);
  const srcApi = await connectKube(ctx, sourceEnv);
  const srcRunning = (await managedNamespace(srcApi, source)) ? await runningImage(srcApi, source) : { exists: false as const };
  if (!srcRunning.exists) throw new UserError(`${o.from} is not deployed (no app in namespace ${source.namespace})`, { hint: 'deploy the source first', code: 'KUBE_NOT_DEPLOYED' });
  const tTag = target.image ? shownTag(target.image) : '?';
  const sTag = srcRunning.image ? shownTag(srcRunning.image) : '?';
  if (tTag !== sTag && !o.allowVersionMismatch) {
    throw new UserError(`${ctx.env.name} runs ${tTag} but ${o.from} runs ${sTag}: the data may not fit this version`, {
      hint: `version-change one of them first, or pass --allow-version-mismatch`,
      code: 'VERSION_MISMATCH',
    });
  }
  const task = `replicate-${what}`;
  const spec = {
    task,
    image: target.image ? formatImage(target.image) : stack.image,
    command: ['/app/bin/replicate', what, '--from-namespace', source.namespace],
    env: { REPLICATE: what, SOURCE_ENV: o.from, SOURCE_NAMESPACE: source.namespace, SOURCE_DATABASE_HOST: `postgres.${source.namespace}.svc`, SOURCE_URL: source.url },
  };
  const base = { env: stack.env, namespace: stack.namespace, what, from: o.from, sourceNamespace: source.namespace } as const;
  const api = target.api;
  if (o.schedule !== undefined) {
    const labels = { ...stack.labels, [TASK_LABEL]: task };
    await api.apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: task, namespace: stack.namespace, labels },
      spec: {
        schedule: o.schedule,
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: { metadata: { labels }, spec: { backoffLimit: 0, template: jobPodTemplate(labels, spec) } },
      },
    });
    success(ctx.io, 'kube.cronjob', `CronJob ${task} in ${stack.namespace} runs "${o.schedule}" (never two at once)`);
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'CronJob', name: task }] });
    return { ...base, mode: 'cronjob', schedule: o.schedule, cronJob: task };
  }
  const name = jobName(task);
  try {
    const job = await runJob(ctx, api, stack.namespace, jobManifest(stack.namespace, stack.labels, { ...spec, name }), o.timeoutMs ?? 60 * 60_000, `replicate ${what} from ${o.from}`);
    return { ...base, mode: 'job', job };
  } finally {
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'Job', name }] });
  }
}
