import type { VerbEntry } from '../verbs.js';

/** The ops verbs. Each entry's loader imports its command file lazily. */
export const OPS_VERBS: VerbEntry[] = [];
