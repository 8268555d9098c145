import type { Platform } from '../config/project.js';

/** What doctor found: a stuck state, why, and the exact fix (applied by `--fix` after confirmation). */
export interface Finding {
  /** Stable: `stack.rollback-complete`, `stack.update-rollback-failed`, `stack.delete-failed`, `lock.stale`, `lock.image-stale`, `image.builder-left`, `kube.loader-running`, `kube.statefulset-stuck`. */
  code: string;
  subject: string;
  problem: string;
  /** The exact fix, as an operator would do it by hand. */
  fix: string;
  /** `--fix` can apply it. */
  fixable: boolean;
}

export interface FindingWithFix extends Finding {
  /** What `--fix` does, as a confirmation question. */
  question?: string;
  /** Does it, returning what was asked of the API. */
  apply?: () => Promise<string>;
  /** Reads the state again after apply: what is true now, and whether that is fixed. */
  verify?: () => Promise<{ fixed: boolean; state: string }>;
}

export interface DoctorFinding extends Finding {
  /**
   * Set with --fix: fixed (the state read again is right), unfixed (the API accepted the fix but
   * the state read again is not right yet), declined, failed, or manual (fragctl cannot apply it).
   */
  result?: 'fixed' | 'unfixed' | 'declined' | 'failed' | 'manual';
  /** The state read again after the fix. */
  now?: string;
  detail?: string;
}

export interface DoctorResult {
  env: string;
  platform: Platform;
  /** Every check that ran, for the report: `stack`, `lock`, `image-builder`, `loader`, `statefulsets`. */
  checked: string[];
  findings: DoctorFinding[];
  /** Informational lines (a lock held by a live run, a bake in progress). */
  notes: string[];
  /** No finding left unfixed. */
  ok: boolean;
}
