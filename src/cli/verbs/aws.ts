import type { VerbEntry } from '../verbs.js';

/** The aws verbs. Each entry's loader imports its command file lazily. */
export const AWS_VERBS: VerbEntry[] = [];
