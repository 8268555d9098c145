/**
 * Before the first real write of a verb that applies several objects: every object through a
 * server-side dry run (`dryRun=All`, the same field manager and force). The API server's own
 * validation and field ownership decide; an invalid object (422, or an unknown field under strict
 * validation) or a field another manager owns (409) stops the verb with nothing changed, and every
 * such problem is named at once.
 */
import { KubeApiError, type KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { UserError } from '../errors.js';
import { immutableJob } from './release/job-replace.js';

export interface PreflightOptions {
  /** --force-conflicts: take fields other managers own. */
  force?: boolean;
  /**
   * Whether the objects' namespace exists: a namespaced dry run cannot be answered before it does
   * (the run lock of a first deploy makes it, so this is the rare case of a core call without it).
   */
  namespaceExists: boolean;
}

export async function preflight(api: KubeClient, objects: Array<KubeObject & { kind: string }>, o: PreflightOptions): Promise<void> {
  const problems: KubeApiError[] = [];
  for (const obj of objects) {
    if (obj.metadata.namespace && !o.namespaceExists) continue;
    try {
      await api.apply(obj, { dryRun: true, force: o.force });
    } catch (e) {
      if (immutableJob(obj, e)) continue; // replaced when applied (release/job-replace.ts)
      if (e instanceof KubeApiError && (e.code === 'KUBE_INVALID' || e.code === 'KUBE_CONFLICT')) problems.push(e);
      else throw e;
    }
  }
  const first = problems[0];
  if (!first) return;
  throw new UserError(first.message, {
    hint: first.hint,
    code: first.code,
    details: [...first.details, ...problems.slice(1).map((p) => p.message), 'nothing was changed (server-side dry run)'],
    cause: first,
  });
}
