/**
 * One-off Jobs from the ops project's own templates (`kubernetes/jobs/<name>.yaml`): rendered with
 * the stack's variables and the run's own (the loader's origin, the replicator's source), so a
 * loader can run its own image with its own volumes and the database credentials of the stack's
 * Secret. fragctl names the Job and labels it (and its pods) so it can find, refuse and clean them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { ContainerImageRef } from './image.js';
import { JOB_LABEL, TASK_LABEL } from './jobs.js';
import type { Manifest } from './manifests.js';
import type { KubeStack } from './stack.js';
import { renderFile, TEMPLATE_DIR } from './templates/stack-objects.js';
import type { TemplateVars } from './templates/render.js';
import { stackVars } from './templates/variables.js';

export interface JobTemplate {
  /** loader, replicate-db, replicate-media. */
  template: string;
  task: string;
  name: string;
  image?: ContainerImageRef;
  vars: TemplateVars;
}

type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };

export async function renderJob(ctx: Context, stack: KubeStack, j: JobTemplate): Promise<Manifest> {
  const rel = `${TEMPLATE_DIR}/jobs/${j.template}.yaml`;
  if (!existsSync(join(ctx.project.paths.dir, rel))) {
    throw new UserError(`${rel} is missing: the ops project describes the ${j.task} Job there`, {
      hint: `add ${rel} with one batch/v1 Job (the reference project's kubernetes/jobs/ has examples)`,
      code: 'KUBE_TEMPLATES_MISSING',
    });
  }
  const docs = await renderFile(ctx, rel, { ...stackVars(ctx, stack, j.image), job_name: j.name, ...j.vars });
  const job = docs[0]?.manifest;
  if (docs.length !== 1 || job?.kind !== 'Job') {
    throw new UserError(`${rel} must render exactly one Job (it rendered ${docs.map((d) => d.manifest.kind).join(', ') || 'nothing'})`, {
      hint: 'one apiVersion: batch/v1, kind: Job document; fragctl makes the CronJob for --schedule itself',
      code: 'KUBE_NOT_AN_OBJECT',
    });
  }
  const spec = (job.spec ?? {}) as { template?: PodTemplate; backoffLimit?: number };
  const template = spec.template ?? {};
  return {
    ...job,
    metadata: {
      ...job.metadata,
      name: j.name,
      namespace: stack.namespace,
      labels: { ...job.metadata.labels, ...stack.labels, [TASK_LABEL]: j.task },
    },
    spec: {
      backoffLimit: 0,
      ...spec,
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: { ...template.metadata?.labels, ...stack.labels, [TASK_LABEL]: j.task, [JOB_LABEL]: j.name },
        },
      },
    },
  };
}

/** The CronJob that runs the Job of `job` on a schedule, never two at once. */
export function cronJobOf(job: Manifest, name: string, schedule: string): Manifest {
  const labels = { ...job.metadata.labels };
  const spec = job.spec as { template: PodTemplate };
  const podLabels = { ...spec.template.metadata?.labels };
  delete podLabels[JOB_LABEL];
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: job.metadata.namespace, labels },
    spec: {
      schedule,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: { ...job.spec, template: { ...spec.template, metadata: { ...spec.template.metadata, labels: podLabels } } },
      },
    },
  };
}
