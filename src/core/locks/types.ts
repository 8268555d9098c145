/**
 * One lock per environment, held by a changing verb for its whole run, as a lease: the holder
 * renews it (its heartbeat) while the run lives, and anyone may take it over once it has expired,
 * wherever the holder ran. Every change to a held lock is conditional on the owner's run id.
 */
import { OperationError } from '../errors.js';

export interface LockHolder {
  /** The owner id: random per run. */
  runId: string;
  /** `user@host`. */
  who: string;
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  /** The verb that holds it, e.g. `commission`. */
  verb: string;
  /** ISO time of the last renewal (the heartbeat); `since` at first. */
  heartbeat?: string;
  /** ISO time the lease runs out unless renewed. A holder without one (an old lock) never expires. */
  expires?: string;
  /** Why it is held, as the operator said (`--message`). */
  message?: string;
}

export interface EnvLock {
  /** For messages: `.fragctl/locks/dev.json`, `DynamoDB table app-fragctl`, `Lease ns/fragctl-lock`. */
  readonly location: string;
  /** Takes the lock (or an expired one, conditionally), or throws LockHeldError with the holder's details. */
  acquire(holder: LockHolder): Promise<void>;
  /** Extends the lease if `runId` still holds it; throws LockLostError when it does not. */
  renew(runId: string, heartbeat: string, expires: string): Promise<void>;
  /** Releases the lock if `runId` still holds it; a no-op otherwise. */
  release(runId: string): Promise<void>;
  /** The holder, or undefined when the lock is free. Throws UnreadableLockError for garbage. */
  status(): Promise<LockHolder | undefined>;
  /**
   * Removes the lock if `runId` still holds it (the holder the operator was shown): never a lock
   * someone took in between. Without `runId` (an unreadable lock) it removes whatever is there.
   * Returns who held it, or undefined when it was already gone or changed hands.
   */
  forceRelease(runId?: string): Promise<LockHolder | undefined>;
}

/** The lease settings of a run: how long a lock lives without a heartbeat, and how often it beats. */
export interface LeaseSettings {
  leaseMs: number;
  heartbeatMs: number;
}

export const DEFAULT_LEASE: LeaseSettings = { leaseMs: 120_000, heartbeatMs: 20_000 };

/** The environment is locked by another run: exit 1 (the command is right; run it again later). */
export class LockHeldError extends OperationError {
  constructor(
    readonly env: string,
    readonly holder: LockHolder,
    stale: boolean,
    /** For a lock that is not an environment's (the application's image lock): what it guards. */
    subject?: string,
  ) {
    super(`${subject ?? env} is locked by ${describeHolder(holder)}`, {
      code: 'ENV_LOCKED',
      details: [
        ...(holder.message ? [`message: ${holder.message}`] : []),
        ...(stale
          ? [`its lease expired at ${holder.expires} (no heartbeat since ${holder.heartbeat ?? holder.since}): the lock is stale`]
          : []),
      ],
      hint: subject
        ? `wait until that ${holder.verb} ends; if its holder died, the lock expires at ${holder.expires ?? 'never'} (doctor reports it)`
        : stale
          ? `release it with: fragctl ${env} lock release --force (or fragctl ${env} doctor --fix)`
          : `wait until that run ends (fragctl ${env} lock status); if its holder died, fragctl ${env} lock release --force`,
    });
  }
}

/** This run's lease was taken or removed by someone else, or could not be renewed before it ran out. */
export class LockLostError extends OperationError {
  constructor(env: string, reason: string, subject?: string) {
    super(`${subject ? `the lock of ${subject}` : `the lock of ${env}`} was lost: ${reason}`, {
      code: 'LOCK_LOST',
      hint: subject
        ? `another run may now be using ${subject}: check \`fragctl <env> doctor\` before running again`
        : `another run may now hold ${env}: check fragctl ${env} lock status and fragctl ${env} history before running again`,
    });
  }
}

/** A lock file or object that is not a holder fragctl wrote: the environment counts as locked. */
export class UnreadableLockError extends OperationError {
  constructor(env: string, location: string, clear: string) {
    super(`the lock of ${env} (${location}) is unreadable: it is not a lock fragctl wrote`, {
      code: 'LOCK_UNREADABLE',
      hint: `look at it, then clear it with: ${clear} (or fragctl ${env} lock release --force)`,
    });
  }
}

export function describeHolder(h: LockHolder): string {
  return `${h.who} since ${h.since} (running ${h.verb}, pid ${h.pid} on ${h.host}, run ${h.runId}${h.heartbeat ? `, last heartbeat ${h.heartbeat}` : ''})`;
}

/** A lock file or item that cannot be read as a holder: treated as held, by someone unknown. */
export function unknownHolder(since = new Date(0).toISOString()): LockHolder {
  return { runId: 'unknown', who: 'unknown', host: 'unknown', pid: 0, since, verb: 'unknown' };
}

export function isLockHolder(v: unknown): v is LockHolder {
  const h = v as LockHolder;
  return typeof v === 'object' && v !== null && typeof h.runId === 'string' && typeof h.who === 'string' && typeof h.pid === 'number';
}
