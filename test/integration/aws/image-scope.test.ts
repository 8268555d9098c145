/**
 * doctor and clean on moto, scoped to their environment: a builder launched by demo's bake (tag
 * Env=demo) is never touched by staging, and an application-wide builder or image is touched only
 * while staging holds the application's image lock (in the real state table), which a bake holds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { clients, lifecycleProject, run, show } from './helpers.js';

describe('doctor and clean keep to their environment and to the image lock (moto)', () => {
  let moto: Moto;
  let dir: string;
  let aws: ReturnType<typeof clients>;
  let ddb: DynamoDBClient;
  const lockKey = { pk: { S: 'lock#@image' }, sk: { S: 'lock' } };

  const builder = async (env?: string): Promise<string> => {
    const tags = [
      { Key: 'Name', Value: 'frag-image-builder' },
      { Key: 'App', Value: 'frag' },
      { Key: 'Group', Value: 'image' },
      ...(env ? [{ Key: 'Env', Value: env }] : []),
    ];
    const out = await aws.ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
      }),
    );
    return out.Instances![0]!.InstanceId!;
  };
  const stateOf = async (id: string): Promise<string | undefined> =>
    (await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;

  before(async () => {
    moto = await startMoto();
    dir = lifecycleProject();
    aws = clients(moto.url);
    ddb = new DynamoDBClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });
  after(async () => moto?.stop());

  it("with demo baking, staging doctor --fix --yes leaves demo's builder running and says why", async () => {
    const demos = await builder('demo');
    const r = await run(dir, moto.url, ['staging', 'doctor', '--fix', '--yes']);
    assert.equal(r.code, 0, show(r));
    assert.match(
      r.stdout,
      new RegExp(`note: image-builder ${demos} was launched by demo's bake \\(tag Env=demo\\): staging leaves it alone`),
    );
    assert.equal(await stateOf(demos), 'running');
  });

  it('an application-wide builder while the image lock is held: doctor leaves it, clean refuses (exit 1) and removes nothing', async () => {
    const old = await builder();
    // A bake of demo on another machine holds the image lock (the table exists since the run above).
    await ddb.send(
      new PutItemCommand({
        TableName: 'frag-fragctl',
        Item: {
          ...lockKey,
          runId: { S: 'r-bake' },
          who: { S: 'ci@runner (demo)' },
          host: { S: 'runner' },
          pid: { N: '4242' },
          since: { S: new Date().toISOString() },
          verb: { S: 'bake demo' },
        },
      }),
    );
    const r = await run(dir, moto.url, ['staging', 'doctor', '--fix', '--yes']);
    assert.equal(r.code, 0, show(r));
    assert.match(
      r.stdout,
      new RegExp(`image-builder ${old} is left alone: the application's image lock is held by ci@runner \\(demo\\) for bake demo`),
    );
    assert.equal(await stateOf(old), 'running');

    const c = await run(dir, moto.url, ['staging', 'clean', '--yes']);
    assert.equal(c.code, 1, show(c));
    assert.match(c.stderr, /the image store of \S+ is locked by ci@runner \(demo\) since \S+ \(running bake demo/);
    assert.equal(await stateOf(old), 'running');
  });

  it('with the image lock free, staging doctor --fix terminates the application-wide builder, re-reads it and records the run', async () => {
    await ddb.send(new DeleteItemCommand({ TableName: 'frag-fragctl', Key: lockKey }));
    const r = await run(dir, moto.url, ['staging', 'doctor', '--fix', '--yes', '--json']);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as { findings: Array<{ code: string; result: string; now: string }>; notes: string[] };
    const f = out.findings.find((x) => x.code === 'image.builder-left')!;
    assert.equal(f.result, 'fixed');
    assert.match(f.now, /i-\w+ (shutting-down|terminated)/);
    assert.ok(
      out.notes.some((n) => /launched by demo's bake/.test(n)),
      "demo's builder is still left alone",
    );
    const running =
      (
        await aws.ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: 'tag:Name', Values: ['frag-image-builder'] },
              { Name: 'instance-state-name', Values: ['running'] },
            ],
          }),
        )
      ).Reservations?.flatMap((x) => x.Instances ?? []) ?? [];
    assert.deepEqual(
      running.map((i) => i.Tags?.find((t) => t.Key === 'Env')?.Value),
      ['demo'],
    );

    const h = await run(dir, moto.url, ['staging', 'history', '--json']);
    assert.equal(h.code, 0, show(h));
    const recs = (JSON.parse(h.stdout) as { records: Array<{ verb: string; outcome: string; touched: Array<Record<string, unknown>> }> })
      .records;
    const fix = recs.find((x) => x.verb === 'doctor' && x.touched.some((t) => t.code === 'image.builder-left'));
    assert.ok(fix, JSON.stringify(recs));
    assert.equal(fix.outcome, 'succeeded');
  });
});
