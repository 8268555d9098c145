/**
 * commission's acknowledgements with SDK-level mocks: moto accepts any template without asking
 * for capabilities, and does not implement UpdateTerminationProtection.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { commission } from '../../../src/core/aws/commission.js';
import { SECRET_HASH_TAG, secretHashes } from '../../../src/core/aws/secret-hashes.js';
import { DeclinedError } from '../../../src/core/errors.js';
import { lifecycleProject } from '../../integration/aws/helpers.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
afterEach(() => {
  cfn.reset();
  ec2.reset();
  delete process.env.FRAGCTL_DB_PASSWORD;
});

async function withImage(ctx: ReturnType<typeof testContext>): Promise<void> {
  const { imageInputsHash, HASH_TAG } = await import('../../../src/core/aws/image.js');
  ec2.on(DescribeImagesCommand).resolves({
    Images: [
      {
        ImageId: 'ami-0000c0de',
        Name: 'frag-image-1',
        State: 'available',
        CreationDate: new Date().toISOString(),
        Tags: [{ Key: HASH_TAG, Value: imageInputsHash(ctx) }],
      },
    ],
  });
}
const addRole = (dir: string): void =>
  writeFileSync(
    join(dir, 'formations', 'role.yaml'),
    'Resources:\n  AppRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }\n',
  );

describe('commission capabilities', () => {
  it('asks before creating; CreateStack receives CAPABILITY_IAM and the secret hash tag', async () => {
    const dir = lifecycleProject();
    try {
      process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
      addRole(dir);
      const ctx = testContext({ ...SDK_MOCKED, dir });
      await withImage(ctx);
      cfn.on(DescribeStacksCommand, { StackName: 'frag-demo' }).resolves({ Stacks: [] });
      cfn
        .on(DescribeStacksCommand, { StackName: 'arn:new' })
        .resolves({ Stacks: [{ StackName: 'frag-demo', StackId: 'arn:new', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
      cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
      cfn.on(CreateStackCommand).resolves({ StackId: 'arn:new' });
      await commission(ctx, { deploy: false });
      assert.match(ctx.io.confirms[0]!.message, /acknowledge CAPABILITY_IAM for frag-demo/);
      const input = cfn.commandCalls(CreateStackCommand)[0]!.args[0].input;
      assert.deepEqual(input.Capabilities, ['CAPABILITY_IAM']);
      const tag = input.Tags!.find((t) => t.Key === SECRET_HASH_TAG)!.Value!;
      assert.deepEqual(secretHashes({ DbPassword: 'not-a-real-password-1' }, ['DbPassword'], tag).changed, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declined: nothing baked, nothing created', async () => {
    const dir = lifecycleProject();
    try {
      process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
      addRole(dir);
      const ctx = testContext({ ...SDK_MOCKED, dir, answer: false });
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
      const err = await commission(ctx, { deploy: false }).catch((e: unknown) => e);
      assert.ok(err instanceof DeclinedError && err.code === 'CAPABILITIES_DECLINED', String(err));
      assert.equal(cfn.commandCalls(CreateStackCommand).length, 0);
      assert.equal(ec2.commandCalls(RunInstancesCommand).length + ec2.commandCalls(DescribeImagesCommand).length, 0, 'no bake started');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('termination protection at commission', () => {
  it('a protected environment whose stack lacks it gets it turned on', async () => {
    process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
    const ctx = testContext({ ...SDK_MOCKED, env: 'production' });
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'frag-production',
          StackId: 'arn:prod',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          EnableTerminationProtection: false,
          Parameters: [{ ParameterKey: 'ImageId', ParameterValue: 'ami-0000c0de' }],
        },
      ],
    });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    await commission(ctx, { deploy: false });
    const calls = cfn.commandCalls(UpdateTerminationProtectionCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.args[0].input, { StackName: 'arn:prod', EnableTerminationProtection: true });
  });

  it('an unprotected environment is left alone', async () => {
    process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
    const ctx = testContext(SDK_MOCKED);
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'frag-demo',
          StackId: 'arn:demo',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Parameters: [{ ParameterKey: 'ImageId', ParameterValue: 'ami-0000c0de' }],
        },
      ],
    });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    await commission(ctx, { deploy: false });
    assert.equal(cfn.commandCalls(UpdateTerminationProtectionCommand).length, 0);
  });
});
