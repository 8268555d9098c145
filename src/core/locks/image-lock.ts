/**
 * The application-wide image lock: the image builder and the images are per application, not per
 * environment, so two environments' bakes (or a bake and a clean) must not run at once. One more
 * lease item in the state table (pk `lock#@images`; `@` cannot start an environment name), with
 * the same heartbeat as an environment's lock. `imageLock` is exported for doctor: it reports a
 * holder and leaves the images alone while one is live.
 */
import type { Context } from '../context.js';
import { currentHost, newRunId, who } from '../records/origin.js';
import { stateAwsClients, stateTable } from '../records/state.js';
import { DynamoLock } from './dynamo-lock.js';
import { startHeartbeat } from './heartbeat.js';
import { DEFAULT_LEASE, type EnvLock, type LockHolder } from './types.js';

export const IMAGE_LOCK_KEY = '@images';

export function imageLock(ctx: Pick<Context, 'env' | 'aws'>): EnvLock {
  return new DynamoLock(stateAwsClients(ctx.aws.config), stateTable(ctx.env), IMAGE_LOCK_KEY, `the image store of ${ctx.env.settings.app_name}`);
}

/** Runs `body` holding the image lock (renewed while it runs; released after, whatever happens). */
export async function withImageLock<T>(ctx: Context, verb: string, body: () => Promise<T>): Promise<T> {
  const { ensureTable } = await import('../../providers/aws/dynamodb.js');
  await ensureTable(stateAwsClients(ctx.aws.config), stateTable(ctx.env), Math.min(ctx.options.pollIntervalMs, 1000));
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
  const lock = imageLock(ctx);
  await lock.acquire(holder);
  const beat = startHeartbeat(lock, holder, lease, `the image store of ${ctx.env.settings.app_name}`);
  try {
    const result = await body();
    if (beat.lost) throw beat.lost;
    return result;
  } finally {
    beat.stop();
    if (!beat.lost) await lock.release(holder.runId).catch(() => undefined);
  }
}
