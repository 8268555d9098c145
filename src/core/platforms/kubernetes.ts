/** Kubernetes: a stack of manifests in a namespace; records and lock in the namespace; no Ansible hosts. */
import type { Context } from '../context.js';
import type { PlatformOps } from './types.js';

export const KUBERNETES: PlatformOps = {
  recordStore: 'kubernetes',
  async openState(ctx, cache, opts) {
    const { openKubeState } = await import('../records/kube-store.js');
    return { ...(await openKubeState(ctx as Context, opts)), cache };
  },
  async doctorFindings(ctx, liveHolder, notes, checked) {
    const { kubeFindings } = await import('../doctor/kube.js');
    return kubeFindings(ctx, liveHolder, notes, checked);
  },
  async plan(ctx, opts) {
    const { planKube } = await import('../kube/plan.js');
    const objects = await planKube(ctx, { image: opts.image, tag: opts.tag });
    const notes: string[] = [];
    const stopped = objects.filter((o) => o.action === 'conflict' || o.action === 'invalid');
    if (stopped.some((o) => o.action === 'conflict'))
      notes.push('a deploy would stop at the conflicts above (fields another manager owns) unless run with --force-conflicts');
    if (stopped.some((o) => o.action === 'invalid'))
      notes.push('a deploy would stop at the invalid objects above before changing anything');
    if (opts.ansibleCheck) notes.push('--ansible-check applies to AWS and local environments only');
    return { objects, notes, hosts: false };
  },
  configExtras: () => ({}),
};
