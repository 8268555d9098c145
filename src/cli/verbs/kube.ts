import type { VerbEntry } from '../verbs.js';

/** The kube verbs. Each entry's loader imports its command file lazily. */
export const KUBE_VERBS: VerbEntry[] = [];
