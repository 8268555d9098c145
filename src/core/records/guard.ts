/**
 * Around every changing verb: take the environment's lock, write a `running` record, run, write
 * the outcome, release the lock (on success, failure and Ctrl-C alike).
 *
 * When the store cannot be reached the verb still runs on an unprotected environment, with a
 * warning and a record in the local cache only; a protected environment refuses (exit 1), because
 * there the lock is what keeps two operators from colliding.
 */
import type { Context } from '../context.js';
import { DeclinedError, InterruptedError, isFragError, UserError } from '../errors.js';
import { warn } from '../io.js';
import { redactValue } from '../redact.js';
import { DEFAULT_LEASE, LockHeldError, LockLostError, UnreadableLockError, type LockHolder } from '../locks/types.js';
import { startHeartbeat } from '../locks/heartbeat.js';
import { currentHost, gitCommit, newRunId, redactArgs, who } from './origin.js';
import { openEnvState } from './state.js';
import { platformOf } from '../platforms/index.js';
import { localCache, StateUnreachableError } from './stores.js';
import type { EnvState, Outcome, RecordStore, RunRecord } from './types.js';

export interface GuardInput {
  verb: string;
  /** The command line after `fragctl`. */
  args: string[];
  /** Filled by the caller with the data of `run.touched` events while the body runs. */
  touched: Array<Record<string, unknown>>;
}

export async function guardedRun(ctx: Context, input: GuardInput, body: () => Promise<number | void>): Promise<number | void> {
  const record: RunRecord = {
    id: newRunId(),
    env: ctx.env.name,
    platform: ctx.env.platform,
    verb: input.verb,
    args: redactArgs(input.args),
    who: who(),
    commit: gitCommit(ctx.project.paths.dir),
    startedAt: new Date().toISOString(),
    outcome: 'running',
    touched: [],
  };
  const lease = ctx.options.lease ?? DEFAULT_LEASE;
  const holder: LockHolder = {
    runId: record.id,
    who: record.who,
    host: currentHost(),
    pid: process.pid,
    since: record.startedAt,
    verb: input.verb,
    heartbeat: record.startedAt,
    expires: new Date(Date.parse(record.startedAt) + lease.leaseMs).toISOString(),
    ...(ctx.options.lockMessage ? { message: ctx.options.lockMessage } : {}),
  };

  // Platforms that run Ansible and ssh start the watchdog of their children first: one that cannot
  // start is an error before the lock, the record or any other change (docs/processes.md).
  if (platformOf(ctx.env).hosts) await (await import('../../providers/shell/supervisor.js')).supervisor();

  let state: EnvState | undefined;
  try {
    // deploy --adopt takes over a namespace fragctl did not make: its lock may live there.
    state = await openEnvState(ctx, { verb: input.verb, adopt: input.verb === 'deploy' && input.args.includes('--adopt') });
    await state.lock.acquire(holder);
  } catch (e) {
    // A held lock, or a settings problem (no kubeconfig, a foreign namespace): the verb cannot run.
    if (e instanceof LockHeldError || e instanceof UnreadableLockError || e instanceof UserError) throw e;
    const err =
      e instanceof StateUnreachableError ? e : (await import('./stores.js')).unreachable(state?.lock.location ?? 'state store', e);
    if (ctx.env.protected) {
      throw new StateUnreachableError(`${ctx.env.name} is protected: refusing to ${input.verb} without its lock. ${err.message}`, {
        code: 'STATE_UNREACHABLE',
        hint: err.hint,
        cause: e,
      });
    }
    warn(ctx.io, 'run.unlocked', `${err.message}; running WITHOUT the lock, recording to the local cache only`);
    state = undefined;
  }

  const stores: RecordStore[] = state ? [state.store, ...(state.cache ? [state.cache] : [])] : [localCache(ctx.project)];
  await write(ctx, stores, record);
  let outcome: Outcome = 'failed';
  // While the run lives its lease is renewed; when that fails, the run's signal is aborted so the
  // verb stops at its next safe point, and the run ends with LockLostError (exit 1).
  const outer = ctx.signal;
  const beat = state ? startHeartbeat(state.lock, holder, lease, ctx.env.name) : undefined;
  if (beat) ctx.signal = AbortSignal.any([outer, beat.signal]);
  try {
    const code = await body();
    if (beat?.lost) throw beat.lost;
    outcome = code === undefined || code === 0 ? 'succeeded' : 'failed';
    record.exitCode = code ?? 0;
    return code;
  } catch (err) {
    const e: unknown = beat?.lost ?? err;
    outcome =
      e instanceof LockLostError
        ? 'failed'
        : e instanceof InterruptedError || e instanceof DeclinedError || ctx.signal.aborted
          ? 'interrupted'
          : 'failed';
    record.exitCode = isFragError(e) ? e.exitCode : 1;
    record.error = { code: isFragError(e) ? e.code : 'BUG', message: ((e as Error)?.message ?? String(e)).split('\n')[0] ?? '' };
    throw e;
  } finally {
    beat?.stop();
    ctx.signal = outer;
    const end = new Date();
    record.endedAt = end.toISOString();
    record.durationMs = end.getTime() - Date.parse(record.startedAt);
    record.outcome = outcome;
    record.touched = redactValue(input.touched);
    await write(ctx, stores, record);
    if (state && !beat?.lost) {
      try {
        await state.lock.release(record.id);
      } catch (e) {
        warn(
          ctx.io,
          'lock.release-failed',
          `could not release the lock of ${ctx.env.name} (${(e as Error).message}); release it with: fragctl ${ctx.env.name} lock release --force`,
        );
      }
    }
  }
}

async function write(ctx: Context, stores: RecordStore[], record: RunRecord): Promise<void> {
  for (const store of stores) {
    try {
      await store.put(redactValue(record));
    } catch (e) {
      warn(ctx.io, 'run.record-failed', `could not write the run record to ${store.location}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
