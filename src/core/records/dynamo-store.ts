/** Run records of AWS environments in the state table: pk `run#<env>`, sk `<startedAt>#<id>`. */
import type { AwsClients } from '../../providers/aws/clients.js';
import { isMissingTable, putItem, queryPartition, scanPrefix, type Item } from '../../providers/aws/dynamodb.js';
import { isRunRecord, mergeRecords, type ListResult, type RecordStore, type RunRecord } from './types.js';

export class DynamoRecordStore implements RecordStore {
  readonly location: string;

  constructor(
    private readonly aws: AwsClients,
    private readonly table: string,
  ) {
    this.location = `DynamoDB table ${table}`;
  }

  async put(record: RunRecord): Promise<void> {
    await putItem(this.aws, this.table, {
      pk: `run#${record.env}`,
      sk: `${record.startedAt}#${record.id}`,
      outcome: record.outcome,
      verb: record.verb,
      record: JSON.stringify(record),
    });
  }

  async list(env: string | undefined, limit: number): Promise<ListResult> {
    let items: Item[];
    try {
      items = env ? await queryPartition(this.aws, this.table, `run#${env}`, limit) : await scanPrefix(this.aws, this.table, 'run#');
    } catch (e) {
      if (isMissingTable(e)) return { records: [], warnings: [] }; // no changing verb ran yet
      throw e;
    }
    const records: RunRecord[] = [];
    let bad = 0;
    for (const item of items) {
      const r = parse(item);
      if (r) records.push(r);
      else bad++;
    }
    return { records: mergeRecords([records], limit), warnings: bad ? [`${this.location}: skipped ${bad} unreadable item(s)`] : [] };
  }
}

function parse(item: Item): RunRecord | undefined {
  try {
    const v: unknown = JSON.parse(String(item.record));
    return isRunRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
