/**
 * `replicate db|media --from SOURCE`: copy another environment's database or media into this one,
 * as a one-off Job or, with --schedule, a CronJob that never overlaps itself. Never into a
 * protected environment; only between stacks running the same image tag unless allowed; always
 * after a confirmation (--yes in scripts).
 */
import { loadEnvironment } from '../config/project.js';
import type { Context } from '../context.js';
import { DeclinedError, UserError } from '../errors.js';
import { success, warn } from '../io.js';
import { requirePlatform } from '../platforms/index.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { openStack, releaseImage, requireDeployed } from './release/open.js';
import { listReleases } from './release/record.js';
import { runningStackImage, sameBuild } from './running.js';
import { cronJobOf, renderJob } from './job-template.js';
import { jobName, runJob, type JobOutcome } from './jobs.js';
import { planObject, type PlanItem } from './plan.js';
import { resolveStack } from './stack.js';

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
  /** --dry-run: the Job or CronJob as the server would accept it (or why not); nothing created, nothing asked. */
  dryRun?: PlanItem[];
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

export function checkSchedule(schedule: string): void {
  const fields = schedule.trim().split(/\s+/);
  const named = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule.trim());
  if (!named && (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f) || /^[A-Za-z]{3}(-[A-Za-z]{3})?$/.test(f)))) {
    throw new UserError(`--schedule "${schedule}" is not a cron schedule`, {
      hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *", or @daily',
      code: 'USAGE',
    });
  }
}

export async function replicate(ctx: Context, o: ReplicateOptions): Promise<ReplicateResult> {
  if (o.what !== 'db' && o.what !== 'media')
    throw new UserError(`cannot replicate "${o.what}"`, { hint: 'replicate db or replicate media', code: 'USAGE' });
  const what = o.what;
  if (o.schedule !== undefined) checkSchedule(o.schedule);
  if (ctx.env.protected) {
    throw new UserError(`refusing to replicate into ${ctx.env.name}: it is a protected environment`, {
      hint: "replication overwrites the target's data; replicate from the protected environment into another one instead",
      code: 'ENV_PROTECTED',
    });
  }
  if (o.from === ctx.env.name)
    throw new UserError('--from names this same environment', { hint: 'give the environment to copy from', code: 'USAGE' });
  const sourceEnv = loadEnvironment(ctx.project, o.from);
  requirePlatform(sourceEnv, 'kubernetes', {
    message: `--from ${o.from} is a ${sourceEnv.platform} environment`,
    hint: 'replicate copies between Kubernetes environments',
  });
  const target = await openStack(ctx);
  const stack = target.stack;
  const targetRelease = requireDeployed(target);
  const source = resolveStack(sourceEnv);
  const srcApi = await connectKube(ctx, sourceEnv);
  const srcReleases = (await managedNamespace(srcApi, source)) ? await listReleases(srcApi, source.namespace, source.env) : [];
  const srcRelease = [...srcReleases].reverse().find((r) => r.status === 'deployed') ?? srcReleases.at(-1);
  if (!srcRelease)
    throw new UserError(`${o.from} is not deployed (no release in namespace ${source.namespace})`, {
      hint: 'deploy the source first',
      code: 'KUBE_NOT_DEPLOYED',
    });
  const mine = await runningStackImage(target.api, stack.namespace, targetRelease);
  const theirs = await runningStackImage(srcApi, source.namespace, srcRelease);
  const show = (r: typeof mine) => `${r.image ?? '?'}${r.digest ? ` (${r.digest})` : ' (digest unknown)'}`;
  const verdict = sameBuild(mine, theirs);
  if (verdict === 'unknown-same-ref') {
    warn(
      ctx.io,
      'kube.replicate.no-digest',
      `the pods report no image digest; both stacks run ${mine.image}, a fixed tag, taken as the same build`,
    );
  } else if (verdict !== 'same' && !o.allowVersionMismatch) {
    throw new UserError(`${ctx.env.name} runs ${show(mine)} but ${o.from} runs ${show(theirs)}: the data may not fit this version`, {
      hint:
        verdict === 'different'
          ? 'version-change one of them first, or pass --allow-version-mismatch'
          : 'without digests the two cannot be compared (a moving tag, or two references); pass --allow-version-mismatch if you know they match',
      code: 'VERSION_MISMATCH',
    });
  }
  const runningImage = releaseImage(targetRelease);
  const task = `replicate-${what}`;
  const name = o.schedule !== undefined ? task : jobName(task);
  const job = await renderJob(ctx, stack, {
    template: task,
    task,
    name,
    image: runningImage,
    vars: {
      source_env: o.from,
      source_namespace: source.namespace,
      source_database_host: `postgres.${source.namespace}.svc`,
      source_url: source.url,
      ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    },
  });
  const base = { env: stack.env, namespace: stack.namespace, what, from: o.from, sourceNamespace: source.namespace } as const;
  const mode = o.schedule !== undefined ? 'cronjob' : 'job';
  if (ctx.options.dryRun)
    return {
      ...base,
      mode,
      schedule: o.schedule,
      dryRun: [await planObject(target.api, o.schedule !== undefined ? cronJobOf(job, task, o.schedule) : job)],
    };
  // The target's data is overwritten (again and again with --schedule): asked like undeploy, --yes in scripts.
  const ok = await ctx.io.confirm({
    message: `Overwrite the ${what === 'db' ? 'database' : 'media'} of ${ctx.env.name} (namespace ${stack.namespace}) with ${o.from}'s${
      o.schedule !== undefined ? `, on the schedule "${o.schedule}"` : ''
    }?`,
  });
  if (!ok) throw new DeclinedError(`replicate ${what} not run: not confirmed`, { code: 'DECLINED' });
  const api = target.api;
  if (o.schedule !== undefined) {
    await api.apply(cronJobOf(job, task, o.schedule));
    success(ctx.io, 'kube.cronjob', `CronJob ${task} in ${stack.namespace} runs "${o.schedule}" (never two at once)`);
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'CronJob', name: task }] });
    return { ...base, mode: 'cronjob', schedule: o.schedule, cronJob: task };
  }
  try {
    const outcome = await runJob(ctx, api, stack.namespace, job, o.timeoutMs ?? 60 * 60_000, `replicate ${what} from ${o.from}`);
    return { ...base, mode: 'job', job: outcome };
  } finally {
    touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, objects: [{ kind: 'Job', name }] });
  }
}
