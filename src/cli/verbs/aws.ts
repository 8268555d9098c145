import type { VerbEntry } from '../verb.js';

const AWS = ['aws'] as const;

/** The aws verbs. Each entry's loader imports its command file lazily. */
export const AWS_VERBS: VerbEntry[] = [
  {
    name: 'bake',
    summary: 'Bake the application image (skipped when its inputs are unchanged)',
    scope: 'env',
    mutating: true,
    platforms: AWS,
    load: () => import('../commands/bake.js'),
  },
  {
    name: 'commission',
    summary: "Create the environment's stack (baking the image first if needed), then deploy",
    scope: 'env',
    mutating: true,
    platforms: AWS,
    load: () => import('../commands/commission.js'),
  },
  {
    name: 'update',
    summary: 'Apply formation and setting changes through a reviewed change set',
    scope: 'env',
    mutating: true,
    platforms: AWS,
    load: () => import('../commands/update.js'),
  },
  {
    name: 'decommission',
    summary: 'Delete the environment after a final database snapshot',
    scope: 'env',
    mutating: true,
    platforms: AWS,
    load: () => import('../commands/decommission.js'),
  },
  {
    name: 'clean',
    summary: 'Remove leftover image instances and old images',
    scope: 'env',
    mutating: true,
    platforms: AWS,
    load: () => import('../commands/clean.js'),
  },
  {
    name: 'status',
    summary: 'Stack status, recent events, outputs, image and hosts',
    scope: 'env',
    mutating: false,
    platforms: AWS,
    load: () => import('../commands/status.js'),
  },
  {
    name: 'drift',
    summary: 'Detect resources that drifted from the template (exit 1 when any did)',
    scope: 'env',
    mutating: false,
    platforms: AWS,
    load: () => import('../commands/drift.js'),
  },
];
