import type { LockHolder } from './types.js';

/**
 * A lock is stale only when its lease has expired: its holder stopped renewing it, wherever it
 * ran. A live holder on another machine (or in a container that shares our hostname) renews its
 * lease and is never stale; a dead one is, once `expires` has passed. A lock without an expiry
 * (written by an older fragctl) is never judged stale: an operator decides (`lock release --force`).
 */
export function isStale(holder: LockHolder, now = Date.now()): boolean {
  if (!holder.expires) return false;
  const t = Date.parse(holder.expires);
  return Number.isFinite(t) && t <= now;
}
