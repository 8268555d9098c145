/**
 * `load`: the data-loader Job, from the ops project's kubernetes/jobs/loader.yaml. One at a time: a loader still running is named with its age and
 * refused, unless --replace deletes it first. Finished loaders (and their pods) are cleaned up
 * before a new one starts.
 */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { info } from '../io.js';
import { touched } from './connect.js';
import { openStack, releaseImage, requireDeployed } from './release/open.js';
import { renderJob } from './job-template.js';
import { ageOf, deleteJob, jobName, jobState, runJob, TASK_LABEL, type JobOutcome } from './jobs.js';
import { planObject, type PlanItem } from './plan.js';

export interface LoadOptions {
  origin: string;
  type?: 'nfs' | 's3';
  replace?: boolean;
  timeoutMs?: number;
}

export interface LoadResult extends JobOutcome {
  env: string;
  namespace: string;
  origin: string;
  type: string;
  replaced: string[];
  cleaned: string[];
}

/** --dry-run: the loader Job the server accepts (or rejects, with why) and the finished loaders that would go. */
export interface LoadDryRun {
  env: string;
  namespace: string;
  origin: string;
  type: string;
  dryRun: PlanItem[];
}

const TASK = 'loader';

export async function loadData(ctx: Context, options: LoadOptions): Promise<LoadResult | LoadDryRun> {
  const type = options.type ?? (options.origin.startsWith('s3://') ? 's3' : 'nfs');
  if (!['nfs', 's3'].includes(type))
    throw new UserError(`--type ${type}: expected nfs or s3`, { hint: 'nfs reads a mounted path, s3 an s3:// URL', code: 'USAGE' });
  if (!options.origin.trim())
    throw new UserError('--origin is empty', { hint: 'give the path (nfs) or s3:// URL (s3) of the data', code: 'USAGE' });
  if (type === 's3' && !options.origin.startsWith('s3://')) {
    throw new UserError(`--origin ${options.origin} is not an s3:// URL`, { hint: 'for --type s3 give s3://bucket/prefix', code: 'USAGE' });
  }
  const s = await openStack(ctx);
  const { stack, api } = s;
  requireDeployed(s);
  // The loader runs what the stack was last given, ready or not.
  const image = releaseImage(s.history.at(-1));
  const ns = stack.namespace;
  const loaders = (await api.list('Job', ns, { labelSelector: `${TASK_LABEL}=${TASK}` })).items;
  const active = loaders.filter((j) => jobState(j) === 'active');
  if (active.length && !options.replace) {
    const list = active.map((j) => `${j.metadata.name} (started ${ageOf(j)} ago)`).join(', ');
    throw new UserError(`a data loader is still running in ${ns}: ${list}`, {
      hint: `wait for it (fragctl ${stack.env} status), or pass --replace to delete it and start a new one`,
      code: 'LOADER_ACTIVE',
    });
  }
  // Rendered before anything is deleted: a template error changes nothing.
  const name = jobName(TASK);
  const manifest = await renderJob(ctx, stack, {
    template: 'loader',
    task: TASK,
    name,
    image,
    vars: { loader_data_origin: options.origin, loader_type: type },
  });
  if (ctx.options.dryRun) {
    const gone = [...active, ...loaders.filter((x) => jobState(x) !== 'active')];
    return {
      env: stack.env,
      namespace: ns,
      origin: options.origin,
      type,
      dryRun: [await planObject(api, manifest), ...gone.map((j) => ({ kind: 'Job', name: j.metadata.name, action: 'delete' as const }))],
    };
  }
  const replaced: string[] = [];
  for (const j of active) {
    info(ctx.io, 'kube.loader.replaced', `deleting the running loader ${j.metadata.name} (--replace)`);
    await deleteJob(api, ns, j.metadata.name);
    replaced.push(j.metadata.name);
  }
  const cleaned: string[] = [];
  for (const j of loaders.filter((x) => jobState(x) !== 'active')) {
    await deleteJob(api, ns, j.metadata.name);
    cleaned.push(j.metadata.name);
  }
  try {
    const outcome = await runJob(ctx, api, ns, manifest, options.timeoutMs ?? 60 * 60_000, 'data load');
    return { ...outcome, env: stack.env, namespace: ns, origin: options.origin, type, replaced, cleaned };
  } finally {
    touched(ctx, api, { platform: 'kubernetes', namespace: ns, objects: [{ kind: 'Job', name }], deleted: [...replaced, ...cleaned] });
  }
}
