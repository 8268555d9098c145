/**
 * The application-wide image lock: the image builder and the images belong to the application, not
 * to one environment, so two environments' bakes (or a bake and a clean) must not run at once, and
 * doctor touches builders only while holding it. One more lease item in the state table (pk
 * `lock#@image`; `@` cannot start an environment name), with the same heartbeat as an
 * environment's lock.
 */
import type { Context } from '../context.js';
import { currentHost, newRunId, who } from '../records/origin.js';
import { stateAwsClients, stateTable, unreachable } from '../records/stores.js';
import { DynamoLock } from './dynamo-lock.js';
import { startHeartbeat } from './heartbeat.js';
import { isStale } from './stale.js';
import { DEFAULT_LEASE, LockHeldError, type EnvLock, type LockHolder } from './types.js';

export const IMAGE_LOCK_KEY = '@image';

export function imageLock(ctx: Pick<Context, 'env' | 'aws'>): EnvLock {
  return new DynamoLock(
    stateAwsClients(ctx.aws.config),
    stateTable(ctx.env),
    IMAGE_LOCK_KEY,
    `the image store of ${ctx.env.settings.app_name}`,
  );
}

/** The image lock, its table created first when `create` (else a missing table is an error). */
export async function openImageLock(ctx: Pick<Context, 'env' | 'aws' | 'options'>, opts: { create: boolean }): Promise<EnvLock> {
  const table = stateTable(ctx.env);
  try {
    const { ensureTable } = await import('../../providers/aws/dynamodb.js');
    await ensureTable(stateAwsClients(ctx.aws.config), table, Math.min(ctx.options.pollIntervalMs, 1000), opts.create);
  } catch (e) {
    throw unreachable(`DynamoDB table ${table}`, e);
  }
  return imageLock(ctx);
}

/**
 * Runs `body` holding the image lock (renewed while it runs; released after, whatever happens).
 * A lost lease aborts the run's signal while `body` runs, as the environment's lock does, so the
 * verb stops at its next safe point instead of finishing work another holder may be doing.
 */
export async function withImageLock<T>(
  ctx: Pick<Context, 'env' | 'aws' | 'options'> & { signal?: AbortSignal },
  verb: string,
  body: () => Promise<T>,
): Promise<T> {
  const lock = await openImageLock(ctx, { create: true });
  const lease = ctx.options.lease ?? DEFAULT_LEASE;
  const now = new Date();
  const holder: LockHolder = {
    runId: newRunId(now),
    who: who(),
    host: currentHost(),
    pid: process.pid,
    since: now.toISOString(),
    verb: `${verb} (${ctx.env.name})`,
    heartbeat: now.toISOString(),
    expires: new Date(now.getTime() + lease.leaseMs).toISOString(),
  };
  await lock.acquire(holder);
  const beat = startHeartbeat(lock, holder, lease, `the image store of ${ctx.env.settings.app_name}`);
  const outer = ctx.signal;
  if (outer) ctx.signal = AbortSignal.any([outer, beat.signal]);
  try {
    const result = await body();
    if (beat.lost) throw beat.lost;
    return result;
  } catch (e) {
    throw beat.lost ?? e;
  } finally {
    if (outer) ctx.signal = outer;
    beat.stop();
    if (!beat.lost) await lock.release(holder.runId).catch(() => undefined);
  }
}

export type ImageLockOutcome<T> = { held: true; value: T } | { held: false; holder: LockHolder; stale: boolean };

/** Like withImageLock, but when someone else holds the lock: does not run `fn` and says who. */
export async function tryImageLock<T>(
  ctx: Pick<Context, 'env' | 'aws' | 'options'>,
  verb: string,
  fn: () => Promise<T>,
): Promise<ImageLockOutcome<T>> {
  try {
    return { held: true, value: await withImageLock(ctx, verb, fn) };
  } catch (e) {
    if (e instanceof LockHeldError) return { held: false, holder: e.holder, stale: isStale(e.holder) };
    throw e;
  }
}

export function describeImageLockHolder(h: LockHolder): string {
  return `the application's image lock is held by ${h.who} for ${h.verb} since ${h.since}`;
}
