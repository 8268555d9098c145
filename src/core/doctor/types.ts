/** What doctor found: a stuck state, why, and the exact fix (applied by `--fix` after confirmation). */
export interface Finding {
  /** Stable: `stack.rollback-complete`, `stack.update-rollback-failed`, `stack.delete-failed`, `lock.stale`, `image.builder-left`, `kube.loader-running`, `kube.statefulset-stuck`. */
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
  apply?: () => Promise<string>;
}

export interface DoctorFinding extends Finding {
  /** Set with --fix: fixed, declined, failed, or manual (fragctl cannot apply it). */
  result?: 'fixed' | 'declined' | 'failed' | 'manual';
  detail?: string;
}

export interface DoctorResult {
  env: string;
  platform: 'aws' | 'kubernetes' | 'local';
  /** Every check that ran, for the report: `stack`, `lock`, `image-builder`, `loader`, `statefulsets`. */
  checked: string[];
  findings: DoctorFinding[];
  /** Informational lines (a lock held by a live run, a bake in progress). */
  notes: string[];
  /** No finding left unfixed. */
  ok: boolean;
}
