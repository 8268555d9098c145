/**
 * A failed bake keeps its instance for debugging and clean removes it; the functions `plan`
 * uses (imageState, previewChanges) answer without leaving anything behind; --dry-run creates nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStacksCommand, ListChangeSetsCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { imageState } from '../../../src/core/aws/image.js';
import { previewChanges } from '../../../src/core/aws/changes.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { clients, lifecycleProject, run, show } from './helpers.js';

describe('image failures, plan hooks and dry runs on moto', () => {
  let moto: Moto;
  let dir: string;
  let aws: ReturnType<typeof clients>;
  const builders = async (): Promise<string[]> => {
    const out = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: ['frag-image-builder'] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopped'] },
        ],
      }),
    );
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
  };

  before(async () => {
    moto = await startMoto();
    dir = lifecycleProject({ testImage: true });
    aws = clients(moto.url);
    process.env.FRAGCTL_DB_PASSWORD = 'preview-password-1';
  });
  after(async () => {
    delete process.env.FRAGCTL_DB_PASSWORD;
    await moto?.stop();
  });

  it('a failed provisioning keeps the image instance, says how to reach and clean it; clean removes it', async () => {
    const r = await run(dir, moto.url, ['demo', 'bake'], { FRAGCTL_TEST_FAIL_BAKE: '1' });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /provisioning the image failed/);
    assert.match(r.stderr, /image instance i-\w+ is kept for debugging: its files are in .*\.fragctl\/hosts\/frag-image-builder/);
    assert.match(r.stderr, /fragctl demo clean/);
    const kept = await builders();
    assert.equal(kept.length, 1);
    assert.equal((await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length ?? 0, 0, 'no image');

    const cleaned = await run(dir, moto.url, ['demo', 'clean', '--yes']);
    assert.equal(cleaned.code, 0, show(cleaned));
    assert.match(cleaned.stdout, /removed: 1 instance\(s\)/);
    assert.deepEqual(await builders(), []);
  });

  it('imageState tells plan whether a bake is due, in one call', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const before = await imageState(ctx);
    assert.equal(before.needsBake, true);
    assert.match(before.reason, /no frag-image exists yet/);
    assert.equal((await run(dir, moto.url, ['demo', 'bake'])).code, 0);
    const ctx2 = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const after = await imageState(ctx2);
    assert.equal(after.needsBake, false);
    assert.equal(after.inputsHash, before.inputsHash);
    assert.match(after.current?.imageId ?? '', /^ami-/);
    assert.equal(ctx2.aws.totalCalls(), 1);
  });

  it('a variable added to group_vars/all.yml makes plan ask for a bake and name the file', async () => {
    const quiet = await run(dir, moto.url, ['demo', 'plan']);
    assert.equal(quiet.code, 0, show(quiet));
    assert.match(quiet.stdout, /no bake needed/);
    const vars = join(dir, 'playbooks', 'group_vars', 'all.yml');
    const original = readFileSync(vars, 'utf8');
    writeFileSync(vars, `${original}\ncommon_packages: [htop, curl]\n`);
    try {
      const r = await run(dir, moto.url, ['demo', 'plan']);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /bake needed \(the inputs changed since ami-\w+: playbooks\/group_vars\/all\.yml changed\)/);
    } finally {
      writeFileSync(vars, original); // the tests below run on the image baked above
    }
  });

  it('commission --dry-run creates nothing', async () => {
    const r = await run(dir, moto.url, ['demo', 'commission', '--dry-run']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /would create stack frag-demo/);
    assert.match(r.stdout, /^dry run: stack frag-demo would be created; nothing was changed/);
    assert.equal((await aws.cfn.send(new ListStacksCommand({}))).StackSummaries?.length ?? 0, 0);
  });

  it('previewChanges: without a stack, the resources a create adds (conditions applied), no stack created', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const p = await previewChanges(ctx);
    assert.equal(p.stackExists, false);
    const ids = p.changes.map((c) => c.logicalId);
    assert.ok(ids.includes('AppInstance') && ids.includes('Database') && ids.includes('KnowledgeServer'));
    assert.ok(!ids.includes('AppGroup') && !ids.includes('Broker'), 'single mode, no workers');
    assert.ok(p.changes.every((c) => c.action === 'Add'));
    assert.equal((await aws.cfn.send(new ListStacksCommand({}))).StackSummaries?.length ?? 0, 0);
  });

  it('previewChanges: with a stack, a change set is created, read and deleted', async () => {
    assert.equal((await run(dir, moto.url, ['demo', 'commission', '--no-deploy'])).code, 0);
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const p = await previewChanges(ctx);
    assert.equal(p.stackExists, true);
    assert.ok(Array.isArray(p.changes));
    assert.equal(ctx.aws.calls.get('CloudFormation.CreateChangeSet'), 1);
    assert.equal(ctx.aws.calls.get('CloudFormation.DeleteChangeSet'), 1);
    assert.equal((await aws.cfn.send(new ListChangeSetsCommand({ StackName: 'frag-demo' }))).Summaries?.length ?? 0, 0);
    const stacks = (await aws.cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    assert.deepEqual(
      stacks.map((s) => s.StackStatus),
      ['CREATE_COMPLETE'],
    );
  });

  it('a protected environment: termination protection on, decommission refused, no SSH to emulated hosts', async () => {
    writeFileSync(join(dir, 'keys', 'frag-deploy.pem'), 'not a real key\n', { mode: 0o600 });
    const bake = await run(dir, moto.url, ['production', 'bake', '--force']);
    assert.equal(bake.code, 2, show(bake));
    assert.match(bake.stderr, /local AWS endpoint whose instances do not exist/);
    // The image is environment-agnostic: the one baked for demo serves production.
    const r = await run(dir, moto.url, ['production', 'commission', '--no-deploy']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /termination protection on/);
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-production' }))).Stacks![0]!;
    assert.equal(stack.EnableTerminationProtection, true);
    const refused = await run(dir, moto.url, ['production', 'decommission', '--yes']);
    assert.equal(refused.code, 2, show(refused));
    assert.match(refused.stderr, /production is a protected environment: decommission refused/);
    assert.match(refused.stderr, /--force-protected/);
    assert.equal(
      (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-production' }))).Stacks![0]!.StackStatus,
      'CREATE_COMPLETE',
    );
  });

  it('decommission --delete-image keeps an image another environment runs; --skip-final-snapshot takes none', async () => {
    const r = await run(dir, moto.url, ['demo', 'decommission', '--yes', '--delete-image', '--skip-final-snapshot']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /--skip-final-snapshot: the data of frag-demo-db is lost/);
    assert.match(r.stderr, /image ami-\w+ is kept: frag-production still uses it/);
    const snaps = await aws.rds.send(new DescribeDBSnapshotsCommand({}));
    assert.equal((snaps.DBSnapshots ?? []).filter((x) => x.DBInstanceIdentifier === 'frag-demo-db').length, 0);
    const images = (await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
    assert.equal(images.length, 1);
  });
});
