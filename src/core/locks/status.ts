/** `lock status` and `lock release --force`: reading and breaking an environment's lock. */
import type { Context } from '../context.js';
import { DeclinedError, OperationError, UserError } from '../errors.js';
import { success } from '../io.js';
import { gitCommit, newRunId, who } from '../records/origin.js';
import { openEnvState } from '../records/state.js';
import type { EnvState, RunRecord } from '../records/types.js';
import { isStale } from './stale.js';
import { UnreadableLockError, type LockHolder } from './types.js';

export interface LockStatus {
  env: string;
  location: string;
  locked: boolean;
  /** The holder's lease has expired: nobody renewed it in time. */
  stale: boolean;
  holder: LockHolder | null;
  /** The lock exists but is not a holder fragctl wrote. */
  unreadable?: string;
}

export async function lockStatus(ctx: Context): Promise<LockStatus> {
  const state = await openEnvState(ctx, { create: false });
  try {
    const holder = (await state.lock.status()) ?? null;
    return { env: ctx.env.name, location: state.lock.location, locked: !!holder, stale: !!holder && isStale(holder), holder };
  } catch (e) {
    if (!(e instanceof UnreadableLockError)) throw e;
    return {
      env: ctx.env.name,
      location: state.lock.location,
      locked: true,
      stale: false,
      holder: null,
      unreadable: `${e.message}; ${e.hint ?? ''}`,
    };
  }
}

export interface LockRelease {
  env: string;
  released: boolean;
  holder: LockHolder | null;
}

/**
 * Breaks the lock, always after a confirmation (`--yes` in scripts) that names the holder and its
 * last heartbeat. The delete is conditional on that holder's run id: a lock someone else took in
 * the meantime is left alone. Who forced it is written as a run record of the environment.
 */
export async function releaseLock(ctx: Context, force: boolean): Promise<LockRelease> {
  if (!force) {
    throw new UserError('releasing a lock you do not hold needs --force', {
      hint: `check who holds it with fragctl ${ctx.env.name} lock status, then fragctl ${ctx.env.name} lock release --force`,
      code: 'USAGE',
    });
  }
  const state = await openEnvState(ctx, { create: false });
  let holder: LockHolder | undefined;
  let unreadable: UnreadableLockError | undefined;
  try {
    holder = await state.lock.status();
  } catch (e) {
    if (!(e instanceof UnreadableLockError)) throw e;
    unreadable = e;
  }
  if (!holder && !unreadable) return { env: ctx.env.name, released: false, holder: null };
  const question = holder
    ? `${holder.who} took the lock of ${ctx.env.name} at ${holder.since} for ${holder.verb} (pid ${holder.pid} on ${holder.host}, run ${holder.runId}); ` +
      `last heartbeat ${holder.heartbeat ?? 'never'}, ${isStale(holder) ? `lease expired at ${holder.expires}` : holder.expires ? `lease valid until ${holder.expires}: it may still be running` : 'no lease: it may still be running'}` +
      `${holder.message ? `; message: ${holder.message}` : ''}. Release it?`
    : `${unreadable!.message}. Remove it?`;
  const ok = await ctx.io.confirm({ message: question });
  if (!ok) throw new DeclinedError('lock left in place', { code: 'DECLINED' });
  const removed = await state.lock.forceRelease(holder?.runId);
  if (holder && !removed) {
    throw new OperationError(`the lock of ${ctx.env.name} changed hands before it could be released; nothing was removed`, {
      hint: `look again with fragctl ${ctx.env.name} lock status`,
      code: 'LOCK_CHANGED',
    });
  }
  await recordForce(ctx, state, holder ?? null);
  success(
    ctx.io,
    'lock.released',
    holder
      ? `released the lock of ${ctx.env.name} (held by ${holder.who} for ${holder.verb} since ${holder.since}, run ${holder.runId}, last heartbeat ${holder.heartbeat ?? 'never'})`
      : `removed the unreadable lock of ${ctx.env.name}`,
  );
  return { env: ctx.env.name, released: true, holder: holder ?? null };
}

/** A run record of the forced release: who broke whose lock, when. */
async function recordForce(ctx: Context, state: EnvState, holder: LockHolder | null): Promise<void> {
  const now = new Date().toISOString();
  const record: RunRecord = {
    id: newRunId(),
    env: ctx.env.name,
    platform: ctx.env.platform,
    verb: 'lock release --force',
    args: [ctx.env.name, 'lock', 'release', '--force'],
    who: who(),
    commit: gitCommit(ctx.project.paths.dir),
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    outcome: 'succeeded',
    exitCode: 0,
    touched: [
      {
        forcedLock: holder
          ? { runId: holder.runId, who: holder.who, verb: holder.verb, since: holder.since, heartbeat: holder.heartbeat ?? null }
          : 'unreadable',
      },
    ],
  };
  for (const store of [state.store, ...(state.cache ? [state.cache] : [])]) {
    try {
      await store.put(record);
    } catch {
      // the release itself is done; a missing record is not worth failing it
    }
  }
}
