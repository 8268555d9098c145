/**
 * Jobs cannot be changed: a Job whose pod template changed between releases (a new image for a
 * migrations Job, say) is refused by the API server as invalid ("field is immutable"). As Helm's
 * `before-hook-creation` does, such a Job is deleted (its pods with it) and created again; the dry
 * run counts it as a replacement, not as an invalid object.
 */
import { KubeApiError, type KubeClient } from '../../../providers/kube/client.js';
import type { KubeObject } from '../../../providers/kube/resources.js';
import type { Context } from '../../context.js';
import { OperationError } from '../../errors.js';
import { info } from '../../io.js';
import type { Manifest } from '../manifests.js';

/** Whether `e`, answering an apply of `m`, is a Job refused only because its template cannot change. */
export function immutableJob(m: Pick<Manifest, 'kind'>, e: unknown): boolean {
  return (
    m.kind === 'Job' &&
    e instanceof KubeApiError &&
    e.code === 'KUBE_INVALID' &&
    e.invalidFields.length > 0 &&
    e.invalidFields.every((f) => /field is immutable/.test(f.message))
  );
}

/** Deletes the Job (background propagation: its pods go too), waits until it is gone, then applies `m`. */
export async function replaceJob(ctx: Context, api: KubeClient, m: Manifest, force?: boolean): Promise<KubeObject> {
  const { name, namespace } = m.metadata;
  info(ctx.io, 'kube.job.replaced', `Job ${name}: its pod template changed and a Job cannot be changed: deleted and created again`, {
    name,
  });
  await api.delete('Job', name, namespace, 'Background');
  for (let i = 0; i < 300; i++) {
    if (!(await api.get('Job', name, namespace))) return api.apply(m, { force });
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new OperationError(`Job ${name} was deleted to be created again, but it is still there after 30 s`, {
    hint: `a finalizer may hold it: kubectl -n ${namespace ?? '<namespace>'} get job ${name} -o yaml`,
    code: 'KUBE_JOB_REPLACE',
  });
}
