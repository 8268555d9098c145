/**
 * Small caches of results (under .fragctl/, or the user's cache): the newest few results of one kind,
 * each under the key (a hash) of everything that decides it. Only what the caller chooses to remember
 * is kept; a file that is missing, unreadable or in another shape is a miss, and the next remember
 * replaces it. A cache only saves time: one that cannot be written (a read-only home, a path that is
 * not a folder) is skipped, and the command goes on.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface Entry<T> {
  key: string;
  value: T;
}

function entries<T>(file: string, valid: (v: unknown) => v is T): Entry<T>[] {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { kept?: unknown };
    if (!Array.isArray(c.kept)) return [];
    return (c.kept as Partial<Entry<unknown>>[]).filter((e): e is Entry<T> => typeof e.key === 'string' && valid(e.value));
  } catch {
    return [];
  }
}

/** The value kept under key, or undefined. */
export function recall<T>(file: string, key: string, valid: (v: unknown) => v is T): T | undefined {
  return entries(file, valid).find((e) => e.key === key)?.value;
}

/**
 * Keeps value under key, first; the file holds the newest `keep` entries. Written whole, then renamed.
 * False when the cache cannot be written (nothing is kept, nothing is thrown).
 */
export function remember<T>(file: string, key: string, value: T, keep: number, valid: (v: unknown) => v is T): boolean {
  const kept = [{ key, value }, ...entries(file, valid).filter((e) => e.key !== key)].slice(0, keep);
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, `${JSON.stringify({ kept })}\n`, { mode: 0o600 });
  } catch {
    return false;
  }
  try {
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
