/**
 * The application-wide image lock: images and image builders belong to the application, not to
 * one environment, so bake holds this lock while its builder exists, and doctor and clean touch
 * builders and images only while holding it. It lives beside the environment locks (the same
 * DynamoDB state table, item `lock#@image`), through the same EnvLock interface, so the
 * lease-based locks can replace it without changing its callers.
 */
import type { Context } from '../context.js';
import { currentHost, newRunId, who } from '../records/origin.js';
import { stateAwsClients, stateTable, unreachable } from '../records/state.js';
import { isStale } from './stale.js';
import { LockHeldError, type EnvLock, type LockHolder } from './types.js';

/** No environment can be called this: its name is not a valid environment name. */
export const IMAGE_LOCK = '@image';

export async function openImageLock(ctx: Pick<Context, 'env' | 'aws' | 'options'>, opts: { create: boolean }): Promise<EnvLock> {
  const table = stateTable(ctx.env);
  const aws = stateAwsClients(ctx.aws.config);
  try {
    const { ensureTable } = await import('../../providers/aws/dynamodb.js');
    await ensureTable(aws, table, Math.min(ctx.options.pollIntervalMs, 1000), opts.create);
  } catch (e) {
    throw unreachable(`DynamoDB table ${table}`, e);
  }
  const { DynamoLock } = await import('./dynamo-lock.js');
  return new DynamoLock(aws, table, IMAGE_LOCK);
}

export type ImageLockOutcome<T> = { held: true; value: T } | { held: false; holder: LockHolder; stale: boolean };

/** Runs `fn` holding the image lock; when someone else holds it, does not run it and says who. */
export async function withImageLock<T>(ctx: Pick<Context, 'env' | 'aws' | 'options'>, verb: string, fn: () => Promise<T>): Promise<ImageLockOutcome<T>> {
  const lock = await openImageLock(ctx, { create: true });
  const holder: LockHolder = { runId: newRunId(), who: `${who()} (${ctx.env.name})`, host: currentHost(), pid: process.pid, since: new Date().toISOString(), verb: `${verb} ${ctx.env.name}` };
  try {
    await lock.acquire(holder);
  } catch (e) {
    if (e instanceof LockHeldError) return { held: false, holder: e.holder, stale: isStale(e.holder) };
    throw e;
  }
  try {
    return { held: true, value: await fn() };
  } finally {
    await lock.release(holder.runId);
  }
}

export function describeImageLockHolder(h: LockHolder): string {
  return `the application's image lock is held by ${h.who} for ${h.verb} since ${h.since}`;
}
