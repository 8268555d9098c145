/**
 * The stores behind `openEnvState` (records/state.ts), apart from the choice between them, so that the
 * platforms can open theirs without importing back the module that chooses.
 */
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Environment, Project } from '../config/project.js';
import { OperationError } from '../errors.js';
import { stateTableName } from '../names.js';
import { AwsClients, type AwsConfig } from '../../providers/aws/clients.js';
import { LocalRecordStore } from './local-store.js';
import type { EnvState } from './types.js';

/** The state store cannot be reached (no network, no credentials, no cluster). */
export class StateUnreachableError extends OperationError {}

export const localCache = (project: Project): LocalRecordStore =>
  new LocalRecordStore(join(project.paths.state, 'runs.jsonl'), project.paths.dir);

export const stateTable = (env: Environment): string => env.aws.state_table ?? stateTableName(env.settings.app_name);

/** State calls fail fast: a lock that takes a minute to time out is worse than a clear warning. */
export function stateAwsClients(config: AwsConfig): AwsClients {
  return new AwsClients({ ...config, maxAttempts: 3 });
}

/** What opening an environment's state needs of the run. */
export type StateContext = Pick<Context, 'project' | 'env' | 'aws' | 'options' | 'io'>;

export interface OpenStateOptions {
  /** false: reading verbs never create the AWS table (a missing table reads as no records and no lock). */
  create?: boolean;
  verb?: string;
  adopt?: boolean;
}

/** The DynamoDB table `<app>-fragctl` (or `aws.state_table`), created on first use. */
export async function openAwsState(ctx: StateContext, opts: OpenStateOptions): Promise<Omit<EnvState, 'cache'>> {
  const table = stateTable(ctx.env);
  const aws = stateAwsClients(ctx.aws.config);
  try {
    const { ensureTable } = await import('../../providers/aws/dynamodb.js');
    await ensureTable(aws, table, Math.min(ctx.options.pollIntervalMs, 1000), opts.create !== false);
  } catch (e) {
    throw unreachable(`DynamoDB table ${table}`, e);
  }
  const { DynamoRecordStore } = await import('./dynamo-store.js');
  const { DynamoLock } = await import('../locks/dynamo-lock.js');
  return { store: new DynamoRecordStore(aws, table), lock: new DynamoLock(aws, table, ctx.env.name) };
}

export function unreachable(what: string, e: unknown): StateUnreachableError {
  const reason = ((e as Error)?.message ?? String(e)).split('\n')[0];
  return new StateUnreachableError(`cannot reach the run record and lock store (${what}): ${reason}`, {
    code: 'STATE_UNREACHABLE',
    hint: 'check the network, credentials and --endpoint-url; protected environments refuse to change without their lock',
    cause: e,
  });
}
