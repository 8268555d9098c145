import { hostname } from 'node:os';
import type { LockHolder } from './types.js';

/**
 * A lock is stale when its holder ran on this host and that process no longer exists. A holder on
 * another host cannot be checked from here: it is reported as held, with its host, and an
 * operator decides (`lock release --force`).
 */
export function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname() || !holder.pid) return false;
  return !isAlive(holder.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
