/**
 * The DynamoDB calls fragctl makes, and nothing else: the state table `<app>-fragctl` that holds
 * every AWS environment's run records and its lock. Items are flat string/number maps.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from './clients.js';

export type Item = Record<string, string | number>;

export class ConditionFailed extends Error {
  constructor() {
    super('condition failed');
  }
}

function toAttr(item: Item): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) out[k] = typeof v === 'number' ? { N: String(v) } : { S: v };
  return out;
}

function fromAttr(attrs: Record<string, AttributeValue> | undefined): Item | undefined {
  if (!attrs) return undefined;
  const out: Item = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v.S !== undefined) out[k] = v.S;
    else if (v.N !== undefined) out[k] = Number(v.N);
  }
  return out;
}

export function isMissingTable(e: unknown): boolean {
  return (e as { name?: string }).name === 'ResourceNotFoundException';
}

function isConditionFailure(e: unknown): boolean {
  return (e as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Creates the table (PAY_PER_REQUEST, key pk+sk) when it does not exist; waits until it is ACTIVE. */
export async function ensureTable(aws: AwsClients, table: string, pollMs = 500, create = true): Promise<'exists' | 'created' | 'missing'> {
  const { DescribeTableCommand, CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  const status = async (): Promise<string | undefined> => {
    try {
      return (await db.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  };
  let current = await status();
  if (current === 'ACTIVE') return 'exists';
  let created = false;
  if (current === undefined && !create) return 'missing';
  if (current === undefined) {
    try {
      await db.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Tags: [{ Key: 'ManagedBy', Value: 'fragctl' }],
        }),
      );
      created = true;
    } catch (e) {
      // Another operator created it at the same moment: fine.
      if ((e as { name?: string }).name !== 'ResourceInUseException') throw e;
    }
  }
  for (let i = 0; i < 120; i++) {
    current = await status();
    if (current === 'ACTIVE') return created ? 'created' : 'exists';
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`table ${table} did not become ACTIVE`);
}

/** A condition on the item: an expression with `#name` and `:value` placeholders. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
}

function conditionParams(c: Condition | undefined): Record<string, unknown> {
  if (!c) return {};
  return {
    ConditionExpression: c.expression,
    ...(c.names ? { ExpressionAttributeNames: c.names } : {}),
    ...(c.values ? { ExpressionAttributeValues: toAttr(c.values) } : {}),
  };
}

/**
 * PutItem; with `ifAbsent` only when no item has this key, with `condition` only when it holds
 * (throws ConditionFailed otherwise).
 */
export async function putItem(
  aws: AwsClients,
  table: string,
  item: Item,
  opts: { ifAbsent?: boolean; condition?: Condition } = {},
): Promise<void> {
  const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  try {
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: toAttr(item),
        ...(opts.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : conditionParams(opts.condition)),
      }),
    );
  } catch (e) {
    if (isConditionFailure(e)) throw new ConditionFailed();
    throw e;
  }
}

export async function getItem(aws: AwsClients, table: string, pk: string, sk: string): Promise<Item | undefined> {
  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  const out = await db.send(new GetItemCommand({ TableName: table, Key: toAttr({ pk, sk }), ConsistentRead: true }));
  return fromAttr(out.Item);
}

/** DeleteItem; with `ifEquals` only when that attribute still has that value (throws ConditionFailed otherwise). */
export async function deleteItem(
  aws: AwsClients,
  table: string,
  pk: string,
  sk: string,
  opts: { ifEquals?: { name: string; value: string } } = {},
): Promise<void> {
  const { DeleteItemCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  try {
    await db.send(
      new DeleteItemCommand({
        TableName: table,
        Key: toAttr({ pk, sk }),
        ...(opts.ifEquals
          ? {
              ConditionExpression: '#a = :v',
              ExpressionAttributeNames: { '#a': opts.ifEquals.name },
              ExpressionAttributeValues: { ':v': { S: opts.ifEquals.value } },
            }
          : {}),
      }),
    );
  } catch (e) {
    if (isConditionFailure(e)) throw new ConditionFailed();
    throw e;
  }
}

/** UpdateItem setting `set`'s attributes, only when `condition` holds (throws ConditionFailed otherwise). */
export async function updateItem(aws: AwsClients, table: string, pk: string, sk: string, set: Item, condition: Condition): Promise<void> {
  const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  const names: Record<string, string> = { ...condition.names };
  const values: Item = { ...condition.values };
  const parts = Object.entries(set).map(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    return `#s${i} = :s${i}`;
  });
  try {
    await db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: toAttr({ pk, sk }),
        UpdateExpression: `SET ${parts.join(', ')}`,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttr(values),
      }),
    );
  } catch (e) {
    if (isConditionFailure(e)) throw new ConditionFailed();
    throw e;
  }
}

/** The newest `limit` items of one partition. */
export async function queryPartition(aws: AwsClients, table: string, pk: string, limit: number): Promise<Item[]> {
  const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => fromAttr(i)!);
}

/** Every item whose partition key starts with `prefix` (the table is small: records and locks). */
export async function scanPrefix(aws: AwsClients, table: string, prefix: string): Promise<Item[]> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const db = await aws.dynamodb();
  const items: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: prefix } },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => fromAttr(i)!));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
