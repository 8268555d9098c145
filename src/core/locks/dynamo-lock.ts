/**
 * The lock of an AWS environment: one item (pk `lock#<env>`, sk `lock`) in the state table, taken
 * with a conditional PutItem (`attribute_not_exists(pk)`): of two operators writing at once,
 * DynamoDB lets exactly one succeed. Released with a conditional DeleteItem on the run id, so a
 * late release never removes someone else's lock.
 */
import type { AwsClients } from '../../providers/aws/clients.js';
import { ConditionFailed, deleteItem, getItem, isMissingTable, putItem, type Item } from '../../providers/aws/dynamodb.js';
import { isStale } from './stale.js';
import { LockHeldError, unknownHolder, type EnvLock, type LockHolder } from './types.js';

const SK = 'lock';

export class DynamoLock implements EnvLock {
  readonly location: string;
  private readonly pk: string;

  constructor(
    private readonly aws: AwsClients,
    private readonly table: string,
    private readonly env: string,
  ) {
    this.pk = `lock#${env}`;
    this.location = `DynamoDB table ${table}`;
  }

  async acquire(holder: LockHolder): Promise<void> {
    try {
      await putItem(this.aws, this.table, { pk: this.pk, sk: SK, ...holder }, { ifAbsent: true });
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      const current = (await this.status()) ?? unknownHolder();
      throw new LockHeldError(this.env, current, isStale(current));
    }
  }

  async release(runId: string): Promise<void> {
    try {
      await deleteItem(this.aws, this.table, this.pk, SK, { ifEquals: { name: 'runId', value: runId } });
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }

  async status(): Promise<LockHolder | undefined> {
    let item: Item | undefined;
    try {
      item = await getItem(this.aws, this.table, this.pk, SK);
    } catch (e) {
      if (isMissingTable(e)) return undefined;
      throw e;
    }
    if (!item) return undefined;
    return {
      runId: String(item.runId ?? 'unknown'),
      who: String(item.who ?? 'unknown'),
      host: String(item.host ?? 'unknown'),
      pid: Number(item.pid ?? 0),
      since: String(item.since ?? new Date(0).toISOString()),
      verb: String(item.verb ?? 'unknown'),
    };
  }

  async forceRelease(): Promise<LockHolder | undefined> {
    const current = await this.status();
    await deleteItem(this.aws, this.table, this.pk, SK);
    return current;
  }
}
