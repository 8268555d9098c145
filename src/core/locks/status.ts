/** `lock status` and `lock release --force`: reading and breaking an environment's lock. */
import type { Context } from '../context.js';
import { DeclinedError, UserError } from '../errors.js';
import { success } from '../io.js';
import { openEnvState } from '../records/state.js';
import { isStale } from './stale.js';
import type { LockHolder } from './types.js';

export interface LockStatus {
  env: string;
  location: string;
  locked: boolean;
  /** The holder's process is gone (same host, pid not alive). */
  stale: boolean;
  holder: LockHolder | null;
}

export async function lockStatus(ctx: Context): Promise<LockStatus> {
  const state = await openEnvState(ctx, { create: false });
  const holder = (await state.lock.status()) ?? null;
  return { env: ctx.env.name, location: state.lock.location, locked: !!holder, stale: !!holder && isStale(holder), holder };
}

export interface LockRelease {
  env: string;
  released: boolean;
  holder: LockHolder | null;
}

/** Breaks the lock. A holder that may still be alive is confirmed first (`--yes` in scripts). */
export async function releaseLock(ctx: Context, force: boolean): Promise<LockRelease> {
  if (!force) {
    throw new UserError('releasing a lock you do not hold needs --force', {
      hint: `check who holds it with fragctl ${ctx.env.name} lock status, then fragctl ${ctx.env.name} lock release --force`,
      code: 'USAGE',
    });
  }
  const state = await openEnvState(ctx, { create: false });
  const holder = await state.lock.status();
  if (!holder) return { env: ctx.env.name, released: false, holder: null };
  if (!isStale(holder)) {
    const ok = await ctx.io.confirm({
      message: `${holder.who} took the lock of ${ctx.env.name} at ${holder.since} for ${holder.verb} (pid ${holder.pid} on ${holder.host}) and may still be running. Release it anyway?`,
    });
    if (!ok) throw new DeclinedError('lock left in place', { code: 'DECLINED' });
  }
  const removed = (await state.lock.forceRelease()) ?? holder;
  success(ctx.io, 'lock.released', `released the lock of ${ctx.env.name} (held by ${removed.who} for ${removed.verb} since ${removed.since})`);
  return { env: ctx.env.name, released: true, holder: removed };
}
