/**
 * Bad input on a fresh account creates nothing, not even the DynamoDB state table: every check
 * that can fail with exit 2 runs before the first write, and the table is created only when a
 * changing verb is about to run. That includes the playbooks: a play a bake or the deploy after
 * commission would run on no host is refused before the lock.
 * Roles slim (test/helpers/slim.ts): the subject is what runs before the first write, not the roles.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { lifecycleProject, run, show } from '../aws/helpers.js';

let moto: Moto;
let db: DynamoDBClient;
let ec2: EC2Client;
let dir: string;
before(async () => {
  moto = await startMoto();
  const client = { endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  db = new DynamoDBClient(client);
  ec2 = new EC2Client(client);
});
after(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  dir = lifecycleProject({ slim: true });
});

const instances = async (): Promise<string[]> =>
  ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
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

// A play that would run on no host, found before the lock: [what, playbook, its hosts line, the typo, verb]
for (const [what, playbook, hosts, typo, verb] of [
  ['bake (the image playbook)', 'image.yml', 'hosts: all', 'imagebuilders', 'bake'],
  ['commission (the deploy after it)', 'app.yml', 'hosts: app', 'webservers', 'commission'],
] as const) {
  test(`${what}: a play that matches no host (${typo}): exit 2 before the lock, no table, no instance`, async () => {
    const file = join(dir, 'playbooks', playbook);
    writeFileSync(file, readFileSync(file, 'utf8').replace(hosts, `hosts: ${typo}`));
    const r = await run(dir, moto.url, ['demo', verb]);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, new RegExp(typo));
    assert.deepEqual(await tables(), []);
    assert.deepEqual(await instances(), []);
  });
}

test('a good changing verb does create the table (the check above can fail)', async () => {
  const r = await run(dir, moto.url, ['demo', 'commission', '--no-deploy']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(await tables(), ['frag-fragctl']);
});
