/**
 * Instances that configure themselves, on moto: the reference formations (app servers in an
 * autoscaling group) with the real SDK. Deploy's bundle step uploads the bundle to the stack's
 * BundleBucket and names it in /<app>/<env>/bundle; unchanged inputs upload nothing; a changed
 * playbook gives a new bundle; an instance a scale-out adds launches with the boot script that
 * reads that parameter. (moto runs no user data: the artefacts and calls are what is proven.
 * No instance address is ever contacted.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { buildTemplate, serializeTemplate } from '../../../src/core/formations/index.js';
import { publishBundle } from '../../../src/core/aws/bundle.js';
import { SDK_MOCKED, testContext } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

describe('instances that configure themselves: bundle, parameter and boot script on moto', () => {
  let moto: Moto;
  let outputs: Record<string, string>;
  const cfg = (url: string) => ({
    endpoint: url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-selfconf-'));
  const vars = { app_name: 'frag', db_host: 'db.example.test', db_password: 'not-in-the-bundle-7' };

  before(async () => {
    moto = await startMoto();
    for (const d of ['formations', 'playbooks', 'environments', 'keys']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    const cfn = new CloudFormationClient(cfg(moto.url));
    const ec2 = new EC2Client(cfg(moto.url));
    const image = (await ec2.send(new RegisterImageCommand({ Name: 'frag-image-1', RootDeviceName: '/dev/sda1' }))).ImageId!;
    const body = serializeTemplate(buildTemplate(ROOT, { list: ['base.yaml', 'app.yaml'] }), 'json'); // what fragctl sends
    await cfn.send(
      new CreateStackCommand({
        StackName: 'frag-demo',
        TemplateBody: body,
        Parameters: [
          ['App', 'frag'],
          ['Env', 'demo'],
          ['KeyName', 'frag-deploy'],
          ['ImageId', image],
        ].map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
      }),
    );
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!;
    outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
  });
  after(async () => moto?.stop());

  const bundles = async () => {
    const s3 = new S3Client({ ...cfg(moto.url), forcePathStyle: true });
    return ((await s3.send(new ListObjectsV2Command({ Bucket: outputs.BundleBucket, Prefix: 'bundles/' }))).Contents ?? [])
      .map((o) => o.Key!)
      .sort();
  };
  const parameter = async () =>
    (await new SSMClient(cfg(moto.url)).send(new GetParameterCommand({ Name: '/frag/demo/bundle' }))).Parameter?.Value;

  it("deploy's bundle step uploads the bundle, names it in the parameter, and leaves secrets out", async () => {
    assert.ok(outputs.BundleBucket, 'the reference base formation declares the bucket');
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const r = await publishBundle(ctx, outputs, vars);
    assert.equal(r.status, 'uploaded');
    const keys = await bundles();
    assert.equal(keys.length, 1);
    assert.match(keys[0]!, /^bundles\/frag-demo-[0-9a-f]{16}\.tar\.gz$/);
    assert.equal(await parameter(), `s3://${outputs.BundleBucket}/${keys[0]}`);

    const s3 = new S3Client({ ...cfg(moto.url), forcePathStyle: true });
    const obj = await s3.send(new GetObjectCommand({ Bucket: outputs.BundleBucket, Key: keys[0] }));
    const tar = gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString('latin1');
    assert.match(tar, /playbooks\/app\.yml/);
    assert.match(tar, /db_host: db\.example\.test/);
    assert.doesNotMatch(tar, /not-in-the-bundle-7/, 'a secret variable is not in the bundle');
    assert.doesNotMatch(tar, /demo-vault-password/, 'the vault password file is not in the bundle');
  });

  it('a second deploy with unchanged inputs uploads nothing; a changed playbook uploads a new bundle', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const before = await bundles();
    const again = await publishBundle(ctx, outputs, vars);
    assert.equal(again.status, 'unchanged');
    assert.equal(ctx.aws.calls.get('S3.PutObject') ?? 0, 0);
    assert.equal(ctx.aws.calls.get('SSM.PutParameter') ?? 0, 0);
    assert.deepEqual(await bundles(), before);

    appendFileSync(join(dir, 'playbooks', 'app.yml'), '# a changed playbook\n');
    const changed = await publishBundle(testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url }), outputs, vars);
    assert.equal(changed.status, 'uploaded');
    const now = await bundles();
    assert.equal(now.length, 2);
    assert.equal(await parameter(), changed.location);
    assert.notEqual(changed.location, `s3://${outputs.BundleBucket}/${before[0]}`);
  });

  it('the vault password travels as a SecureString beside the bundle, stored only when it changes, never shown', async () => {
    const ssm = new SSMClient(cfg(moto.url));
    const read = async (decrypt: boolean) =>
      (await ssm.send(new GetParameterCommand({ Name: '/frag/demo/vault-password', WithDecryption: decrypt }))).Parameter!;
    const noVault = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    assert.equal((await publishBundle(noVault, outputs, vars)).vault, 'none', 'no vault password given: nothing to store');
    await assert.rejects(read(false), ParameterNotFound);

    const pwFile = join(dir, 'playbooks', 'demo-vault-password');
    const password = readFileSync(pwFile, 'utf8').trim();
    const withVault = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url, options: { vaultPasswordFile: pwFile } });
    assert.equal((await publishBundle(withVault, outputs, vars)).vault, 'stored');
    const stored = await read(true);
    assert.equal(stored.Type, 'SecureString');
    assert.equal(stored.Value, password);
    const shown = JSON.stringify(withVault.io.events);
    assert.match(shown, /SecureString \/frag\/demo\/vault-password/);
    assert.ok(!shown.includes(password), 'the password is never in the output');

    const again = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url, options: { vaultPasswordFile: pwFile } });
    assert.equal((await publishBundle(again, outputs, vars)).vault, 'unchanged');
    assert.equal(again.aws.calls.get('SSM.PutParameter') ?? 0, 0, 'an unchanged password is not written again');

    const rotated = join(dir, 'rotated-vault-password');
    writeFileSync(rotated, 'rotated-pw-31\n');
    const after = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url, options: { vaultPasswordFile: rotated } });
    assert.equal((await publishBundle(after, outputs, vars)).vault, 'stored');
    assert.equal((await read(true)).Value, 'rotated-pw-31');
  });

  it('a stack without a BundleBucket output gets no bundle and no S3 or SSM call', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url });
    const r = await publishBundle(ctx, { AppUrl: 'http://x/' }, vars);
    assert.equal(r.status, 'not declared');
    assert.equal(ctx.aws.totalCalls(), 0);
  });

  it('an instance added by a scale-out launches with the boot script that reads the parameter', async () => {
    const asg = new AutoScalingClient(cfg(moto.url));
    const ec2 = new EC2Client(cfg(moto.url));
    const group = async () =>
      (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['frag-demo-app'] }))).AutoScalingGroups![0]!;
    const old = new Set((await group()).Instances!.map((i) => i.InstanceId));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'frag-demo-app', DesiredCapacity: 2 }));
    const g = await group();
    const added = g.Instances!.filter((i) => !old.has(i.InstanceId));
    assert.equal(added.length, 1, 'the scale-out added one instance');
    const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [added[0]!.InstanceId!] }))).Reservations![0]!
      .Instances![0]!;
    const template = instance.Tags?.find((t) => t.Key === 'aws:ec2launchtemplate:id')?.Value ?? g.LaunchTemplate!.LaunchTemplateId!;
    const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template, Versions: ['$Latest'] }));
    const userData = Buffer.from(versions.LaunchTemplateVersions![0]!.LaunchTemplateData!.UserData!, 'base64').toString('utf8');
    assert.match(userData, /aws ssm get-parameter --region "us-east-1" --name "\/frag\/demo\/bundle"/);
    assert.match(userData, /aws s3 cp .*"\$BUNDLE"/);
    assert.match(userData, /ansible-playbook -c local .* app\.yml/);
  });
});
