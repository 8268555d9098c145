import type { VerbEntry } from '../verb.js';

/** The kube verbs. Each entry's loader imports its command file lazily. */
const KUBE = ['kubernetes'] as const;

export const KUBE_VERBS: VerbEntry[] = [
  {
    name: 'deploy',
    summary: 'Apply the stack (server-side apply) and wait for the rollout',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/deploy.js'),
  },
  {
    name: 'version-change',
    summary: 'Redeploy with a fresh pull (--tag T), watched pod by pod',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/version-change.js'),
  },
  {
    name: 'load',
    summary: 'Run the data-loader Job (--origin O [--type nfs|s3] [--replace])',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/load.js'),
  },
  {
    name: 'replicate',
    summary: 'Copy db or media from another environment (once, or --schedule CRON)',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/replicate.js'),
  },
  {
    name: 'promote',
    summary: 'Promote build N to a version tag and point the environment at its digest',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/promote.js'),
  },
  {
    name: 'rollback',
    summary: 'Back to the previous image from the deploy history (--to REVISION)',
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/rollback.js'),
  },
  {
    name: 'undeploy',
    summary: "Delete the stack's namespace after typing its name",
    scope: 'env',
    mutating: true,
    platforms: KUBE,
    load: () => import('../commands/kube/undeploy.js'),
  },
  {
    name: 'status',
    summary: 'Workloads, readiness, jobs and the last deploy',
    scope: 'env',
    mutating: false,
    platforms: KUBE,
    load: () => import('../commands/kube/status.js'),
  },
  {
    name: 'history',
    summary: 'The deploy history kept in the cluster',
    scope: 'env',
    mutating: false,
    platforms: KUBE,
    load: () => import('../commands/kube/history.js'),
  },
];
