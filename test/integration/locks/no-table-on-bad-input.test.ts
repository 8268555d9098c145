/**
 * Bad input on a fresh account creates nothing, not even the DynamoDB state table: every check
 * that can fail with exit 2 runs before the first write, and the table is created only when a
 * changing verb is about to run.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { lifecycleProject, run, show } from '../aws/helpers.js';

let moto: Moto;
let db: DynamoDBClient;
let dir: string;
before(async () => {
  moto = await startMoto();
  db = new DynamoDBClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
});
after(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  dir = lifecycleProject();
});

const tables = async (): Promise<string[]> => (await db.send(new ListTablesCommand({}))).TableNames ?? [];

test('a dangling Ref in a formation: commission exits 2 and no state table exists afterwards', async () => {
  const file = join(dir, 'formations', 'app.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('KeyName: !Ref KeyName', 'KeyName: !Ref NoSuchParameter'));
  const r = await run(dir, moto.url, ['demo', 'commission', '--no-deploy']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /NoSuchParameter/);
  assert.deepEqual(await tables(), []);
});

test('deploy --roles nosuch: exits 2 naming the role, and no state table exists afterwards', async () => {
  const r = await run(dir, moto.url, ['demo', 'deploy', '--roles', 'nosuch']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /nosuch/);
  assert.deepEqual(await tables(), []);
});

test('a good changing verb does create the table (the check above can fail)', async () => {
  const r = await run(dir, moto.url, ['demo', 'commission', '--no-deploy']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(await tables(), ['frag-fragctl']);
});
