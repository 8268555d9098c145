import type { VerbEntry } from '../verbs.js';

/** The deploy verbs. Each entry's loader imports its command file lazily. */
export const DEPLOY_VERBS: VerbEntry[] = [];
