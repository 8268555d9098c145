/** One lock per environment, held by a changing verb for its whole run. */
import { OperationError } from '../errors.js';

export interface LockHolder {
  runId: string;
  /** `user@host`. */
  who: string;
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  /** The verb that holds it, e.g. `commission`. */
  verb: string;
}

export interface EnvLock {
  /** For messages: `.fragctl/locks/dev.json`, `DynamoDB table app-fragctl`, `Lease ns/fragctl-lock`. */
  readonly location: string;
  /** Takes the lock or throws LockHeldError with the holder's details. */
  acquire(holder: LockHolder): Promise<void>;
  /** Releases the lock if `runId` still holds it; a no-op otherwise. */
  release(runId: string): Promise<void>;
  /** The holder, or undefined when the lock is free. */
  status(): Promise<LockHolder | undefined>;
  /** Removes the lock whoever holds it; returns who held it. */
  forceRelease(): Promise<LockHolder | undefined>;
}

/** The environment is locked by another run: exit 1 (the command is right; run it again later). */
export class LockHeldError extends OperationError {
  constructor(
    readonly env: string,
    readonly holder: LockHolder,
    stale: boolean,
  ) {
    super(`${env} is locked by ${holder.who} since ${holder.since} (running ${holder.verb}, pid ${holder.pid}, run ${holder.runId})`, {
      code: 'ENV_LOCKED',
      details: stale ? [`that process (pid ${holder.pid} on ${holder.host}) is gone: the lock is stale`] : [],
      hint: stale
        ? `release it with: fragctl ${env} lock release --force (or fragctl ${env} doctor --fix)`
        : `wait until that run ends (fragctl ${env} lock status); if its holder died, fragctl ${env} lock release --force`,
    });
  }
}

/** A lock file or item that cannot be read as a holder: treated as held, by someone unknown. */
export function unknownHolder(since = new Date(0).toISOString()): LockHolder {
  return { runId: 'unknown', who: 'unknown', host: 'unknown', pid: 0, since, verb: 'unknown' };
}

export function isLockHolder(v: unknown): v is LockHolder {
  const h = v as LockHolder;
  return typeof v === 'object' && v !== null && typeof h.runId === 'string' && typeof h.who === 'string' && typeof h.pid === 'number';
}
