/**
 * Kubernetes stuck states: a data-loader Job still running with no run holding the lock (its
 * `load` was interrupted or died), and a StatefulSet whose rollout waits forever on a broken pod.
 * A StatefulSet (OrderedReady) never replaces a pod that is not Ready, even after its template was
 * fixed: the broken pod must be deleted so that the controller recreates it from the current one.
 */
import type { Context } from '../context.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import type { LockHolder } from '../locks/types.js';
import type { FindingWithFix } from './types.js';
import { podSelector } from '../kube/rollout.js';

const BROKEN = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

interface ContainerStatus {
  name: string;
  ready?: boolean;
  state?: { waiting?: { reason?: string; message?: string } };
}

export async function kubeFindings(
  ctx: Context,
  liveHolder: LockHolder | undefined,
  notes: string[],
  checked: string[],
): Promise<FindingWithFix[]> {
  const [{ connectKube }, { resolveStack }, jobs] = await Promise.all([
    import('../kube/connect.js'),
    import('../kube/stack.js'),
    import('../kube/jobs.js'),
  ]);
  const stack = resolveStack(ctx.env);
  const ns = stack.namespace;
  const env = ctx.env.name;
  const api = await connectKube(ctx);
  if (!(await api.get('Namespace', ns))) {
    notes.push(`namespace ${ns} does not exist: nothing is deployed`);
    return [];
  }
  checked.push('loader', 'statefulsets');
  const out: FindingWithFix[] = [];

  const loaders = (await api.list('Job', ns, { labelSelector: `${jobs.TASK_LABEL}=loader` })).items.filter(
    (j) => jobs.jobState(j) === 'active',
  );
  for (const job of loaders) {
    const name = job.metadata.name;
    if (liveHolder?.verb === 'load') {
      notes.push(`loader Job ${name} belongs to the load running now (${liveHolder.who})`);
      continue;
    }
    out.push({
      code: 'kube.loader-running',
      subject: `Job ${ns}/${name}`,
      problem: `a data loader has been running for ${jobs.ageOf(job)} with no fragctl run holding the environment (its load was interrupted or died)`,
      fix: `let it finish (fragctl ${env} status), or delete it: kubectl -n ${ns} delete job ${name} (fragctl ${env} load --replace starts a new one)`,
      fixable: true,
      question: `Delete the loader Job ${ns}/${name} and its pods (the data it loaded so far stays)?`,
      apply: async () => {
        await jobs.deleteJob(api, ns, name);
        return `deleted Job ${name}`;
      },
    });
  }

  for (const sts of (await api.list('StatefulSet', ns)).items) {
    const status = (sts.status ?? {}) as { updateRevision?: string; readyReplicas?: number; replicas?: number };
    const selector = podSelector(sts);
    if (!selector) continue;
    const pods = (await api.list('Pod', ns, { labelSelector: selector })).items;
    for (const pod of pods) {
      const broken = brokenContainer(pod);
      if (!broken) continue;
      const podName = pod.metadata.name;
      const stale = !!status.updateRevision && pod.metadata.labels?.['controller-revision-hash'] !== status.updateRevision;
      const reason = `${broken.name}: ${broken.state?.waiting?.reason}${broken.state?.waiting?.message ? ` (${broken.state.waiting.message})` : ''}`;
      if (stale) {
        out.push({
          code: 'kube.statefulset-stuck',
          subject: `StatefulSet ${ns}/${sts.metadata.name}`,
          problem: `the rollout waits on pod ${podName}, broken on an older template (${reason}); a StatefulSet never replaces a pod that is not Ready`,
          fix: `delete the broken pod so that it is recreated from the current template: kubectl -n ${ns} delete pod ${podName}`,
          fixable: true,
          question: `Delete pod ${ns}/${podName} so that StatefulSet ${sts.metadata.name} recreates it from its current template?`,
          apply: async () => {
            await api.delete('Pod', podName, ns);
            return `deleted pod ${podName}; the rollout goes on (fragctl ${env} status)`;
          },
        });
      } else {
        out.push({
          code: 'kube.statefulset-stuck',
          subject: `StatefulSet ${ns}/${sts.metadata.name}`,
          problem: `pod ${podName} of the current template is broken (${reason}): the template itself is wrong (image, configuration)`,
          fix: `go back to the previous image: fragctl ${env} rollback (or deploy a fixed tag: fragctl ${env} version-change --tag T); then, if the rollout still waits on ${podName}, fragctl ${env} doctor --fix deletes it`,
          fixable: false,
        });
      }
    }
  }
  return out;
}

function brokenContainer(pod: KubeObject): ContainerStatus | undefined {
  const statuses = (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
  return statuses.find((c) => !c.ready && BROKEN.has(c.state?.waiting?.reason ?? ''));
}
