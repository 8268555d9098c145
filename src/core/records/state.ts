/**
 * Where an environment's records and lock live, by platform:
 * - aws: the DynamoDB table `<app>-fragctl` (or `aws.state_table`), created by fragctl on first use;
 * - kubernetes: a Lease and a ConfigMap in the environment's namespace;
 * - local: files under `.fragctl/`.
 * The `.fragctl/runs.jsonl` file is also the cache of every other store, so `fragctl runs` shows
 * something when a store cannot be reached.
 */
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Project } from '../config/project.js';
import type { Environment } from '../config/project.js';
import { OperationError } from '../errors.js';
import { stateTableName } from '../names.js';
import { AwsClients, type AwsConfig } from '../../providers/aws/clients.js';
import { LocalLock } from '../locks/local-lock.js';
import type { EnvLock } from '../locks/types.js';
import { LocalRecordStore } from './local-store.js';
import type { RecordStore } from './types.js';

export interface EnvState {
  store: RecordStore;
  lock: EnvLock;
  /** The local cache, when `store` is remote. */
  cache?: RecordStore;
}

/** The state store cannot be reached (no network, no credentials, no cluster). */
export class StateUnreachableError extends OperationError {}

export const localCache = (project: Project): LocalRecordStore =>
  new LocalRecordStore(join(project.paths.state, 'runs.jsonl'), project.paths.dir);

export const stateTable = (env: Environment): string => env.aws.state_table ?? stateTableName(env.settings.app_name);

/** State calls fail fast: a lock that takes a minute to time out is worse than a clear warning. */
export function stateAwsClients(config: AwsConfig): AwsClients {
  return new AwsClients({ ...config, maxAttempts: 3 });
}

/** Opens the environment's state store (creating the AWS table on first use). Throws StateUnreachableError. */
export async function openEnvState(
  ctx: Pick<Context, 'project' | 'env' | 'aws' | 'options' | 'io'>,
  opts: { create?: boolean; verb?: string; adopt?: boolean } = {},
): Promise<EnvState> {
  const { project, env } = ctx;
  const cache = localCache(project);
  if (env.platform === 'local') {
    return { store: cache, lock: new LocalLock(join(project.paths.state, 'locks'), env.name, project.paths.dir) };
  }
  if (env.platform === 'kubernetes') {
    const { openKubeState } = await import('./kube-store.js');
    return { ...(await openKubeState(ctx as Context, opts)), cache };
  }
  const table = stateTable(env);
  const aws = stateAwsClients(ctx.aws.config);
  try {
    const { ensureTable } = await import('../../providers/aws/dynamodb.js');
    // Reading verbs never create the table: a missing table reads as no records and no lock.
    await ensureTable(aws, table, Math.min(ctx.options.pollIntervalMs, 1000), opts.create !== false);
  } catch (e) {
    throw unreachable(`DynamoDB table ${table}`, e);
  }
  const { DynamoRecordStore } = await import('./dynamo-store.js');
  const { DynamoLock } = await import('../locks/dynamo-lock.js');
  return { store: new DynamoRecordStore(aws, table), lock: new DynamoLock(aws, table, env.name), cache };
}

export function unreachable(what: string, e: unknown): StateUnreachableError {
  const reason = ((e as Error)?.message ?? String(e)).split('\n')[0];
  return new StateUnreachableError(`cannot reach the run record and lock store (${what}): ${reason}`, {
    code: 'STATE_UNREACHABLE',
    hint: 'check the network, credentials and --endpoint-url; protected environments refuse to change without their lock',
    cause: e,
  });
}
