/** Who runs fragctl, from which commit of the ops repository, and a fresh run id. */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isSecretKey, redactValue, REDACTED } from '../redact.js';
import { operator } from '../settings.js';

/** The operator: FRAGCTL_USER, else the CI actor, else the login name (see core/settings.ts). */
export const currentUser = (): string => operator();

export const currentHost = (): string => hostname();
export const who = (): string => `${currentUser()}@${currentHost()}`;

/** The ops repository's commit (git is asked through the shell provider). */
export { gitCommit } from '../../providers/shell/git.js';

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
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
