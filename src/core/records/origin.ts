/** Who runs fragctl, from which commit of the ops repository, and a fresh run id. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { isSecretKey, redactValue, REDACTED } from '../redact.js';
import { environ } from '../environ.js';

export function currentUser(): string {
  // FRAGCTL_USER names the operator explicitly (shared with the Kubernetes stacks); CI runners run
  // as a service user, and the actor who triggered the job says more.
  const named = environ().FRAGCTL_USER || environ().GITHUB_ACTOR;
  if (named) return named;
  try {
    return environ().USER || userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const currentHost = (): string => hostname();
export const who = (): string => `${currentUser()}@${currentHost()}`;

/**
 * The ops repository's commit. git is asked directly (a read-only, millisecond call) rather than
 * through the shell providers, because the answer is needed before any verb work starts.
 */
export function gitCommit(dir: string): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim();
    if (!/^[0-9a-f]{7,64}$/.test(out)) return 'unknown';
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
    return dirty ? `${out}+dirty` : out;
  } catch {
    return 'unknown';
  }
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The command line with registered secrets masked, and `key=value` words whose key looks secret. */
export function redactArgs(args: string[]): string[] {
  return redactValue(args).map((a, i, all) => {
    const eq = a.indexOf('=');
    if (eq > 0 && isSecretKey(a.slice(0, eq).replace(/^-+/, ''))) return `${a.slice(0, eq + 1)}${REDACTED}`;
    const prev = all[i - 1];
    if (prev && /^--?[\w-]+$/.test(prev) && isSecretKey(prev.replace(/^-+/, '')) && !a.startsWith('-')) return REDACTED;
    return a;
  });
}
