/**
 * Two operators commission the same environment at the same moment, through the real CLI against
 * moto: exactly one runs, the other is refused at once with the holder's details, and nothing is
 * left half done. Then plan, history and doctor on the result.
 * Roles slim (test/helpers/slim.ts): the subject is the lock between the two runs, not the bake's roles.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { clients, lifecycleProject, run, show } from '../aws/helpers.js';
import type { RunRecord } from '../../../src/core/records/types.js';

let moto: Moto;
let dir: string;
before(async () => {
  moto = await startMoto();
  dir = lifecycleProject({ slim: true });
});
after(async () => {
  await moto?.stop();
});

test('plan on an environment that does not exist yet shows "create" and leaves nothing behind', async () => {
  const r = await run(dir, moto.url, ['demo', 'plan']);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /Image: bake needed \(no frag-image exists yet\)/);
  assert.match(r.stdout, /Stack frag-demo: create/);
  assert.match(r.stdout, /Add\s+Database\s+AWS::RDS::DBInstance/);
  assert.match(r.stdout, /note: the stack frag-demo does not exist yet/);
  const { cfn } = clients(moto.url);
  await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' })), /does not exist/);
  // reading verbs never create the state table or take the lock
  const table = await fetch(`${moto.url}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.ListTables',
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: '{}',
  });
  assert.deepEqual(((await table.json()) as { TableNames: string[] }).TableNames, []);
});

test('two commissions started together: one runs, the other is refused with the holder, nothing half done', async () => {
  const [a, b] = await Promise.all([
    // Two operators on two machines: two processes, as the lock is meant for.
    run(dir, moto.url, ['demo', 'commission', '--no-deploy'], { FRAGCTL_USER: 'alice' }, { child: true }),
    run(dir, moto.url, ['demo', 'commission', '--no-deploy'], { FRAGCTL_USER: 'bob' }, { child: true }),
  ]);
  const ok = [a, b].filter((r) => r.code === 0);
  const refused = [a, b].filter((r) => r.code !== 0);
  assert.equal(ok.length, 1, `${show(a)}\n${show(b)}`);
  assert.equal(refused[0]!.code, 1, show(refused[0]!));
  const winner = ok[0] === a ? 'alice' : 'bob';
  assert.match(
    refused[0]!.stderr,
    new RegExp(
      `error: demo is locked by ${winner}@\\S+ since \\S+ \\(running commission, pid \\d+ on \\S+, run \\S+, last heartbeat \\S+\\)`,
    ),
  );
  assert.match(refused[0]!.stderr, /hint:\s+wait until that run ends \(fragctl demo lock status\)/);
  assert.doesNotMatch(refused[0]!.stderr, /bak|launch/i, 'the refused run did nothing');
  // exactly one stack, one image, no builder left running
  const { cfn, ec2 } = clients(moto.url);
  const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
  assert.deepEqual(
    stacks.map((s) => [s.StackName, s.StackStatus]),
    [['frag-demo', 'CREATE_COMPLETE']],
  );
  const images = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
  assert.equal(images.filter((i) => i.Name?.startsWith('frag-image')).length, 1);
  const builders = (
    (
      await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:Name', Values: ['frag-image-builder'] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
        }),
      )
    ).Reservations ?? []
  ).flatMap((x) => x.Instances ?? []);
  assert.equal(builders.length, 0);

  const lock = await run(dir, moto.url, ['demo', 'lock', 'status', '--json']);
  assert.equal((JSON.parse(lock.stdout) as { locked: boolean }).locked, false);
  const history = await run(dir, moto.url, ['demo', 'history', '--json']);
  assert.equal(history.code, 0, show(history));
  const records = (JSON.parse(history.stdout) as { records: RunRecord[] }).records;
  assert.equal(records.length, 1, 'the refused run wrote no record');
  const rec = records[0]!;
  assert.deepEqual([rec.verb, rec.outcome, rec.who.split('@')[0]], ['commission', 'succeeded', winner]);
  assert.deepEqual(rec.args.slice(0, 3), ['demo', 'commission', '--no-deploy']);
  assert.ok(
    rec.touched.some((t) => typeof t.imageId === 'string'),
    JSON.stringify(rec.touched),
  );
  assert.ok(
    rec.touched.some((t) => typeof t.stackId === 'string'),
    JSON.stringify(rec.touched),
  );
});

test('plan on the commissioned environment: no bake, stack unchanged, the hosts per role; no change set left', async () => {
  const r = await run(dir, moto.url, ['demo', 'plan', '--json']);
  assert.equal(r.code, 0, show(r));
  const p = JSON.parse(r.stdout) as {
    image: { needsBake: boolean };
    stack: { exists: boolean; action: string };
    roles: Array<{ role: string; hosts: string[] }>;
  };
  assert.equal(p.image.needsBake, false);
  assert.equal(p.stack.exists, true);
  assert.ok(p.roles.length > 0 && p.roles.some((x) => x.hosts.length > 0), r.stdout);
  const { cfn } = clients(moto.url);
  assert.deepEqual((await cfn.send(new ListChangeSetsCommand({ StackName: 'frag-demo' }))).Summaries ?? [], []);
  const doctor = await run(dir, moto.url, ['demo', 'doctor', '--json']);
  assert.equal(doctor.code, 0, show(doctor));
  assert.deepEqual((JSON.parse(doctor.stdout) as { findings: unknown[] }).findings, []);
});
