/**
 * The lock of an AWS environment: one item (pk `lock#<env>`, sk `lock`) in the state table, a
 * lease. Taken with a conditional PutItem that succeeds only when no item exists or the one there
 * has expired (`expiresMs < now`): of two operators writing at once, DynamoDB lets exactly one
 * succeed. Renewed with UpdateItem conditional on the owner's run id; released and forced with a
 * DeleteItem conditional on the run id, so nobody ever removes a lock someone else took meanwhile.
 */
import type { AwsClients } from '../../providers/aws/clients.js';
import { ConditionFailed, deleteItem, getItem, isMissingTable, putItem, updateItem, type Item } from '../../providers/aws/dynamodb.js';
import { isStale } from './stale.js';
import { LockHeldError, LockLostError, unknownHolder, type EnvLock, type LockHolder } from './types.js';

const SK = 'lock';
const owner = (runId: string) => ({ expression: '#r = :r', names: { '#r': 'runId' }, values: { ':r': runId } });

export class DynamoLock implements EnvLock {
  readonly location: string;
  private readonly pk: string;

  constructor(
    private readonly aws: AwsClients,
    private readonly table: string,
    private readonly env: string,
    /** What the lock guards when it is not an environment (messages only). */
    private readonly subject?: string,
  ) {
    this.pk = `lock#${env}`;
    this.location = `DynamoDB table ${table}`;
  }

  async acquire(holder: LockHolder): Promise<void> {
    const item: Item = {
      pk: this.pk,
      sk: SK,
      ...Object.fromEntries<Item[string]>(Object.entries(holder).filter(([, v]) => v !== undefined)),
    };
    if (holder.expires) item.expiresMs = Date.parse(holder.expires);
    try {
      await putItem(this.aws, this.table, item, {
        condition: { expression: 'attribute_not_exists(pk) OR #e < :now', names: { '#e': 'expiresMs' }, values: { ':now': Date.now() } },
      });
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      const current = (await this.status()) ?? unknownHolder();
      throw new LockHeldError(this.env, current, isStale(current), this.subject);
    }
  }

  async renew(runId: string, heartbeat: string, expires: string): Promise<void> {
    try {
      await updateItem(this.aws, this.table, this.pk, SK, { heartbeat, expires, expiresMs: Date.parse(expires) }, owner(runId));
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      throw new LockLostError(this.env, `the lock item in ${this.table} no longer names this run (${runId})`, this.subject);
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
    const opt = (k: string) => (typeof item[k] === 'string' ? { [k]: item[k] } : {});
    return {
      runId: String(item.runId ?? 'unknown'),
      who: String(item.who ?? 'unknown'),
      host: String(item.host ?? 'unknown'),
      pid: Number(item.pid ?? 0),
      since: String(item.since ?? new Date(0).toISOString()),
      verb: String(item.verb ?? 'unknown'),
      ...opt('heartbeat'),
      ...opt('expires'),
      ...opt('message'),
    };
  }

  async forceRelease(runId?: string): Promise<LockHolder | undefined> {
    const current = await this.status();
    if (!current) return undefined;
    try {
      await deleteItem(this.aws, this.table, this.pk, SK, { ifEquals: { name: 'runId', value: runId ?? current.runId } });
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      return undefined;
    }
    return current;
  }
}
