/**
 * update and plan on change sets against moto, through the real CLI: a rotated database password
 * (NoEcho) is applied through the change set, plan and --dry-run leave no change set behind.
 * The image is registered with the SDK (tagged with the inputs hash) so that no bake runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { CreateImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { imageInputsHash, HASH_TAG } from '../../../src/core/aws/image.js';
import { SECRET_HASH_TAG } from '../../../src/core/aws/secret-hashes.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { clients, lifecycleProject, run, show } from './helpers.js';

describe('change sets on moto', () => {
  let moto: Moto;
  let dir: string;
  let aws: ReturnType<typeof clients>;
  const stack = async () => (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' }))).Stacks![0]!;
  const changeSets = async (): Promise<number> =>
    (await aws.cfn.send(new ListChangeSetsCommand({ StackName: 'frag-demo' }))).Summaries?.length ?? 0;
  const pw = (p: string): Record<string, string> => ({ FRAGCTL_DB_PASSWORD: p });

  before(async () => {
    moto = await startMoto();
    dir = lifecycleProject();
    aws = clients(moto.url);
    const hash = imageInputsHash(testContext({ ...SDK_MOCKED, dir, endpointUrl: moto.url }));
    const reservation = await aws.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    await aws.ec2.send(
      new CreateImageCommand({
        InstanceId: reservation.Instances![0]!.InstanceId!,
        Name: 'frag-image-20260101-000000',
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'Name', Value: 'frag-image' },
              { Key: 'App', Value: 'frag' },
              { Key: HASH_TAG, Value: hash },
            ],
          },
        ],
      }),
    );
    const r = await run(dir, moto.url, ['demo', 'commission', '--no-deploy'], pw('first-password-1'));
    assert.equal(r.code, 0, show(r));
  });
  after(async () => moto?.stop());

  it('commission stores a salted hash of the password, never the password', async () => {
    const tag = (await stack()).Tags?.find((t) => t.Key === SECRET_HASH_TAG)?.Value;
    assert.match(tag ?? '', /^DbPassword=[\w-]+\.[\w-]+$/);
    assert.ok(!tag!.includes('first-password'));
  });

  it('the same password: up to date; a rotated one: plan and --dry-run show it, update applies it', async () => {
    const same = await run(dir, moto.url, ['demo', 'update', '--no-deploy'], pw('first-password-1'));
    assert.equal(same.code, 0, show(same));
    assert.match(same.stdout, /up to date: no changes/);

    const planned = await run(dir, moto.url, ['demo', 'plan'], pw('second-password-2'));
    assert.equal(planned.code, 0, show(planned));
    assert.match(planned.stdout, /Stack.* frag-demo: update/);
    assert.match(planned.stdout, /DbPassword\s+changed \(secret, values not shown\)/);
    assert.equal(await changeSets(), 0, 'plan left no change set');

    const dry = await run(dir, moto.url, ['demo', 'update', '--no-deploy', '--dry-run'], pw('second-password-2'));
    assert.equal(dry.code, 0, show(dry));
    assert.match(dry.stdout, /dry run: .*1 parameter change/);
    assert.equal(await changeSets(), 0, '--dry-run left no change set');

    const applied = await run(dir, moto.url, ['demo', 'update', '--no-deploy', '--yes'], pw('second-password-2'));
    assert.equal(applied.code, 0, show(applied));
    assert.match(applied.stdout, /updated: UPDATE_COMPLETE/);
    assert.match(applied.stderr, /secret parameter DbPassword changed/);
    assert.doesNotMatch(`${applied.stdout}${applied.stderr}`, /second-password-2/);
    const s = await stack();
    // moto returns NoEcho values in clear text (AWS shows ****): here that proves the new value arrived.
    assert.equal(s.Parameters!.find((p) => p.ParameterKey === 'DbPassword')!.ParameterValue, 'second-password-2');
    // moto's ExecuteChangeSet does not apply the change set's tags to the stack (AWS does), so the
    // new hash is checked in test/unit/aws/changeset.test.ts, not here.
  });

  it('an output-only change: plan says update and names the output, update applies it and the stack has it', async () => {
    writeFileSync(join(dir, 'formations', 'zz-output.yaml'), 'Outputs:\n  DeployedRegion:\n    Value: !Ref AWS::Region\n');
    // moto keeps an executed change set listed (AWS removes it): count the plan's own, from here on.
    const listed = await changeSets();
    try {
      const planned = await run(dir, moto.url, ['demo', 'plan'], pw('second-password-2'));
      assert.equal(planned.code, 0, show(planned));
      assert.match(planned.stdout, /Stack.* frag-demo: update/);
      assert.match(planned.stdout, /outputs changed: DeployedRegion \(added\)/);
      const json = await run(dir, moto.url, ['demo', 'plan', '--json'], pw('second-password-2'));
      const stackPlan = (JSON.parse(json.stdout) as { stack: { action: string; outputChanges: string[] } }).stack;
      assert.deepEqual([stackPlan.action, stackPlan.outputChanges], ['update', ['DeployedRegion (added)']]);
      assert.equal(await changeSets(), listed, 'plan left no change set');
      const applied = await run(dir, moto.url, ['demo', 'update', '--no-deploy', '--yes'], pw('second-password-2'));
      assert.equal(applied.code, 0, show(applied));
      // (the password's change too: moto does not store the tags ExecuteChangeSet carries, so its hash looks new again)
      assert.match(applied.stderr, /no resource changes: (parameters change; )?outputs changed: DeployedRegion \(added\)/);
      assert.match(applied.stdout, /updated: UPDATE_COMPLETE/);
      // moto's ExecuteChangeSet does not recompute the stack's Outputs (AWS does): the stack's new output is not checked here.
    } finally {
      rmSync(join(dir, 'formations', 'zz-output.yaml'), { force: true });
    }
  });
});
