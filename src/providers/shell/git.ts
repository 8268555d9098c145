/** The one git call fragctl makes: the ops repository's commit, for run records. */
import { execFileSync } from 'node:child_process';

/**
 * The commit, with "+dirty" when tracked files changed; 'unknown' outside a repository. Synchronous
 * (a millisecond call) because the answer is needed before any verb work starts.
 */
export function gitCommit(dir: string): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
    if (!/^[0-9a-f]{7,64}$/.test(out)) return 'unknown';
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
      .toString()
      .trim();
    return dirty ? `${out}+dirty` : out;
  } catch {
    return 'unknown';
  }
}
