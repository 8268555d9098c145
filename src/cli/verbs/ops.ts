import type { VerbEntry } from '../verb.js';

/**
 * The ops verbs: history, runs, locks, plan, doctor, completion. None of them takes the lock
 * (mutating: false); `doctor --fix` asks before each fix instead.
 * `history` here serves AWS and local environments; Kubernetes has its own entry in kube.ts.
 */
export const OPS_VERBS: VerbEntry[] = [
  {
    name: 'runs',
    summary: 'Recent runs of every environment, with outcome and duration',
    scope: 'global',
    mutating: false,
    platforms: ['aws', 'kubernetes', 'local'],
    load: () => import('../commands/runs.js'),
  },
  {
    name: 'completion',
    summary: 'Print a shell completion script: bash, zsh or fish',
    scope: 'global',
    mutating: false,
    platforms: ['aws', 'kubernetes', 'local'],
    load: () => import('../commands/completion.js'),
  },
  {
    name: 'history',
    summary: 'Recent runs of the environment, with outcome and duration',
    scope: 'env',
    mutating: false,
    platforms: ['aws', 'local'],
    load: () => import('../commands/history.js'),
  },
  {
    name: 'lock',
    summary: "Who holds the environment's lock (status); release --force frees a dead holder's",
    scope: 'env',
    mutating: false,
    platforms: ['aws', 'kubernetes', 'local'],
    load: () => import('../commands/lock.js'),
  },
  {
    name: 'plan',
    summary: 'What a commission, update or deploy would do, without doing it',
    scope: 'env',
    mutating: false,
    platforms: ['aws', 'kubernetes', 'local'],
    load: () => import('../commands/plan.js'),
  },
  {
    name: 'doctor',
    summary: 'Find stuck states and print the exact fix; --fix applies it after confirmation',
    scope: 'env',
    mutating: false,
    platforms: ['aws', 'kubernetes', 'local'],
    load: () => import('../commands/doctor.js'),
  },
];
