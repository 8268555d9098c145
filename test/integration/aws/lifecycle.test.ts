/**
 * The AWS lifecycle against a real moto server, through the real CLI: bake (skip, redo on a role
 * change, --force), commission (with its deploy, then an idempotent re-run), update (no changes;
 * a change), status, clean (the current image stays), decommission with a verified final snapshot.
 * Roles slim (test/helpers/slim.ts): the subject is the lifecycle; image.yml's own tasks and the stop task run in full.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { appendSetting, clients, lifecycleProject, run, show } from './helpers.js';

describe('aws lifecycle on moto', () => {
  let moto: Moto;
  let dir: string;
  let aws: ReturnType<typeof clients>;
  const images = async (): Promise<Array<{ id: string; hash?: string }>> => {
    const out = await aws.ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:Name', Values: ['frag-image'] }] }),
    );
    return (out.Images ?? []).map((i) => ({ id: i.ImageId!, hash: i.Tags?.find((t) => t.Key === 'fragctl:inputs-hash')?.Value }));
  };
  const liveImageInstances = async (): Promise<number> => {
    const out = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: ['frag-image-builder'] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopped'] },
        ],
      }),
    );
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
  };

  before(async () => {
    moto = await startMoto();
    dir = lifecycleProject({ slim: true });
    aws = clients(moto.url);
  });
  after(async () => moto?.stop());

  it('bakes, skips an unchanged bake, rebakes when a role file changes and with --force', async () => {
    const first = await run(dir, moto.url, ['demo', 'bake']);
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /^baked frag-image-\d{8}-\d{6} ami-/);
    assert.equal((await images()).length, 1);
    assert.equal(await liveImageInstances(), 0, 'the image instance is terminated');
    assert.ok(
      existsSync(join(dir, '.fragctl', 'hosts', 'frag-image-builder', 'etc', 'frag', 'image-manifest')),
      "playbooks/image.yml ran locally, in the host's own folder",
    );

    const again = await run(dir, moto.url, ['demo', 'bake', '--verbose']);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stderr, /image up to date/);
    assert.doesNotMatch(again.stderr, /RunInstances/);
    assert.equal((await images()).length, 1, 'nothing baked');

    appendFileSync(join(dir, 'playbooks', 'roles', 'common', 'tasks', 'main.yml'), '# a role file changed\n');
    const changed = await run(dir, moto.url, ['demo', 'bake']);
    assert.equal(changed.code, 0, show(changed));
    assert.match(changed.stderr, /inputs changed/);
    const two = await images();
    assert.equal(two.length, 2);
    assert.notEqual(two[0]!.hash, two[1]!.hash);

    const forced = await run(dir, moto.url, ['demo', 'bake', '--force']);
    assert.equal(forced.code, 0, show(forced));
    assert.match(forced.stderr, /forced with --force/);
    assert.equal((await images()).length, 3);
  });

  it('commissions the stack and deploys, then a re-run changes nothing', async () => {
    const r = await run(dir, moto.url, ['demo', 'commission', '--verbose']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /stack frag-demo created: CREATE_COMPLETE/);
    assert.match(r.stdout, /DatabaseEndpoint\s+frag-demo-db\./);
    assert.match(r.stderr, /frag-demo\s+AWS::CloudFormation::Stack\s+CREATE_COMPLETE/, 'events streamed');
    assert.match(r.stderr, /deployed .*app/);
    assert.match(r.stderr, /AWS API calls: \d+/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /fragctl-demo-db-password|DbPassword=/);
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!;
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.deepEqual({ App: tags.App, Env: tags.Env }, { App: 'frag', Env: 'demo' });
    const imageId = stack.Parameters!.find((p) => p.ParameterKey === 'ImageId')!.ParameterValue;
    assert.ok(
      (await images()).some((i) => i.id === imageId),
      'the stack runs a baked image',
    );
    // The deploy that followed kept the self-configuration bundle current (docs/instances.md).
    const bucket = stack.Outputs!.find((o) => o.OutputKey === 'BundleBucket')!.OutputValue!;
    const ssm = new SSMClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const bundle = (await ssm.send(new GetParameterCommand({ Name: '/frag/demo/bundle' }))).Parameter!.Value!;
    assert.match(bundle, new RegExp(`^s3://${bucket}/bundles/frag-demo-[0-9a-f]{16}\\.tar\\.gz$`));
    assert.match(r.stderr, /instance bundle s3:\/\//);

    const again = await run(dir, moto.url, ['demo', 'commission', '--no-deploy', '--verbose']);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /already commissioned, nothing changed/);
    assert.doesNotMatch(again.stderr, /CreateStack|drift|differ/);
  });

  it('update: no changes is a success with no change set left; a change is shown and applied', async () => {
    const none = await run(dir, moto.url, ['demo', 'update', '--no-deploy']);
    assert.equal(none.code, 0, show(none));
    assert.match(none.stdout, /up to date: no changes/);
    const sets = await aws.cfn.send(new ListChangeSetsCommand({ StackName: 'frag-demo' }));
    assert.equal(sets.Summaries?.length ?? 0, 0);

    appendSetting(dir, 'demo', 'enable_workers: true');
    const refused = await run(dir, moto.url, ['demo', 'update', '--no-deploy']);
    assert.equal(refused.code, 2, show(refused));
    // moto's change sets list no Modify (and here no Add): the parameter change is what shows on it.
    assert.match(refused.stderr, /EnableWorkers\s+false → true/);
    assert.match(refused.stderr, /--yes/);
    assert.equal(
      (await aws.cfn.send(new ListChangeSetsCommand({ StackName: 'frag-demo' }))).Summaries?.length ?? 0,
      0,
      'declined: change set deleted',
    );

    const applied = await run(dir, moto.url, ['demo', 'update', '--no-deploy', '--yes']);
    assert.equal(applied.code, 0, show(applied));
    assert.match(applied.stdout, /updated: UPDATE_COMPLETE/);
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!;
    assert.equal(stack.Parameters!.find((p) => p.ParameterKey === 'EnableWorkers')!.ParameterValue, 'true');
    assert.ok(stack.Outputs!.some((o) => o.OutputKey === 'BrokerHost'));
  });

  it('status shows the stack, image, hosts per group and outputs', async () => {
    const r = await run(dir, moto.url, ['demo', 'status']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /stack frag-demo UPDATE_COMPLETE/);
    assert.match(r.stdout, /image: ami-\w+ frag-image-\d{8}-\d{6}, 0 day\(s\) old/);
    assert.match(r.stdout, /^app\s+i-\w+\s+running/m);
    assert.match(r.stdout, /^broker\s+i-\w+\s+running/m);
    assert.match(r.stdout, /^knowledge\s+i-\w+\s+running/m);
    assert.match(r.stdout, /UPDATE_COMPLETE/);
    const json = JSON.parse((await run(dir, moto.url, ['demo', 'status', '--json'])).stdout) as {
      exists: boolean;
      hosts: Record<string, unknown[]>;
    };
    assert.equal(json.exists, true);
    assert.deepEqual(Object.keys(json.hosts).sort(), ['app', 'broker', 'knowledge']);
  });

  it('clean removes old images and their snapshots but keeps the current and in-use ones', async () => {
    const before = await images();
    assert.equal(before.length, 3);
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!;
    const inUse = stack.Parameters!.find((p) => p.ParameterKey === 'ImageId')!.ParameterValue!;
    // A fourth image from the current inputs makes one image old enough to go (images_to_keep: 2).
    appendFileSync(join(dir, 'playbooks', 'image.yml'), '# the playbook changed\n');
    assert.equal((await run(dir, moto.url, ['demo', 'bake'])).code, 0);
    const all = await images();
    const currentHash = all.find((i) => !before.some((b) => b.id === i.id))!;

    const r = await run(dir, moto.url, ['demo', 'clean', '--yes']);
    assert.equal(r.code, 0, show(r));
    const left = (await images()).map((i) => i.id);
    assert.ok(left.includes(currentHash.id), 'the current image stays');
    assert.ok(left.includes(inUse), 'the image the stack runs stays');
    // images_to_keep: 2, and the two newest are the current one and the one in use.
    assert.equal(left.length, 2, r.stdout);
    assert.match(r.stdout, /removed: 0 instance\(s\), 2 image\(s\), 2 snapshot\(s\)/);

    const nothing = await run(dir, moto.url, ['demo', 'clean']);
    assert.equal(nothing.code, 0, show(nothing));
    assert.match(nothing.stderr, /nothing to clean/);
  });

  it('decommission asks for the name, takes a verified final snapshot and keeps the image', async () => {
    const refused = await run(dir, moto.url, ['demo', 'decommission']);
    assert.equal(refused.code, 2, show(refused));
    assert.match(refused.stderr, /will be deleted/);
    assert.match(refused.stderr, /--yes/);
    assert.equal((await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!.StackStatus, 'UPDATE_COMPLETE');

    // The reference project's stop task: on sandboxed hosts it records the stops and when they happened.
    const r = await run(dir, moto.url, ['demo', 'decommission', '--yes']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /application stopped at \S+ \(task stop\)/);
    const hostsDir = join(dir, '.fragctl', 'hosts');
    const stops = readdirSync(hostsDir)
      .map((h) => join(hostsDir, h, 'stopped-at'))
      .filter((f) => existsSync(f));
    assert.ok(stops.length >= 1, 'the stop task ran on the app host(s)');
    const id = /frag-demo-db-final-[\w-]+/.exec(r.stdout)?.[0];
    assert.ok(id, r.stdout);
    assert.match(r.stdout, /aws rds restore-db-instance-from-db-snapshot .*--db-snapshot-identifier frag-demo-db-final-/);
    const snap = await aws.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    assert.equal(snap.DBSnapshots?.[0]?.Status, 'available');
    assert.equal(snap.DBSnapshots?.[0]?.DBInstanceIdentifier, 'frag-demo-db');
    const taken = snap.DBSnapshots![0]!.SnapshotCreateTime!.getTime();
    for (const f of stops)
      assert.ok(Date.parse(readFileSync(f, 'utf8').trim()) <= taken + 1000, `the final snapshot was taken after the stop (${f})`);
    const gone = await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' })).then(
      (o) => o.Stacks?.[0]?.StackStatus,
      (e: Error) => e.message,
    );
    assert.match(String(gone), /DELETE_COMPLETE|does not exist/);
    assert.equal((await images()).length, 2, 'images kept');

    const again = await run(dir, moto.url, ['demo', 'decommission', '--yes']);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stderr, /nothing to decommission/);
  });
});
