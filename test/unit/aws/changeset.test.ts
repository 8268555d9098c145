/**
 * update on change sets, with SDK-level mocks: moto's change sets never list Modify changes or
 * property values, complete synchronously (no stale window) and keep no secret hashes, so what
 * is reviewed, executed and refused is played here call by call.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  InstanceRefreshInProgressFault,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { update } from '../../../src/core/aws/update.js';
import { buildParameters } from '../../../src/core/aws/parameters.js';
import { desiredTemplate } from '../../../src/core/aws/stack.js';
import { SECRET_HASH_TAG, secretHashes } from '../../../src/core/aws/secret-hashes.js';
import { DeclinedError, OperationError } from '../../../src/core/errors.js';
import { lifecycleProject } from '../../integration/aws/helpers.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const asg = mockClient(AutoScalingClient);
const IMAGE = 'ami-0000c0de';
let dir: string;

beforeEach(() => {
  dir = lifecycleProject();
  process.env.FRAGCTL_DB_PASSWORD = 'first-password-1';
});
afterEach(() => {
  cfn.reset();
  ec2.reset();
  asg.reset();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.FRAGCTL_DB_PASSWORD;
});

/** A stack that runs exactly the project's template and settings, its secrets hashed from `password`. */
async function runningStack(ctx: ReturnType<typeof testContext>, password: string, patch: Partial<Stack> = {}): Promise<Stack> {
  const { imageInputsHash, HASH_TAG } = await import('../../../src/core/aws/image.js');
  ec2.on(DescribeImagesCommand).resolves({
    Images: [
      {
        ImageId: IMAGE,
        Name: 'frag-image-1',
        State: 'available',
        CreationDate: new Date().toISOString(),
        Tags: [{ Key: HASH_TAG, Value: imageInputsHash(ctx) }],
      },
    ],
  });
  const desired = desiredTemplate(ctx);
  const params = await buildParameters(ctx, desired.template, IMAGE);
  const tag = secretHashes({ ...params, DbPassword: password }, ['DbPassword'], undefined).tag;
  cfn.on(GetTemplateCommand).resolves({ TemplateBody: desired.body });
  cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  return {
    StackName: 'frag-demo',
    StackId: 'arn:stack/frag-demo/1',
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    LastUpdatedTime: new Date('2026-01-02T00:00:00Z'),
    Parameters: Object.entries(params).map(([ParameterKey, v]) => ({
      ParameterKey,
      ParameterValue: ParameterKey === 'DbPassword' ? '****' : v,
    })),
    Tags: [
      { Key: 'App', Value: 'frag' },
      { Key: 'Env', Value: 'demo' },
      { Key: SECRET_HASH_TAG, Value: tag },
    ],
    ...patch,
  };
}

const computed = {
  Status: 'CREATE_COMPLETE' as const,
  ExecutionStatus: 'AVAILABLE' as const,
  Parameters: [{ ParameterKey: 'DbPassword', ParameterValue: '****' }],
  Changes: [
    {
      Type: 'Resource' as const,
      ResourceChange: {
        Action: 'Modify' as const,
        LogicalResourceId: 'Database',
        ResourceType: 'AWS::RDS::DBInstance',
        Replacement: 'False' as const,
        Details: [
          {
            ChangeSource: 'DirectModification' as const,
            Target: {
              Attribute: 'Properties' as const,
              Name: 'DBInstanceClass',
              Path: '/Properties/DBInstanceClass',
              RequiresRecreation: 'Never' as const,
              BeforeValue: 'db.t3.micro',
              AfterValue: 'db.t3.small',
            },
          },
          {
            ChangeSource: 'ParameterReference' as const,
            CausingEntity: 'DbPassword',
            Target: {
              Attribute: 'Properties' as const,
              Name: 'MasterUserPassword',
              Path: '/Properties/MasterUserPassword',
              RequiresRecreation: 'Never' as const,
              BeforeValue: 'first-password-1',
              AfterValue: 'second-password-2',
            },
          },
        ],
      },
    },
  ],
};

/** A change set that gives the app group's launch template a new version (a new image). */
const launchTemplateChange = {
  ...computed,
  Changes: [
    {
      Type: 'Resource' as const,
      ResourceChange: {
        Action: 'Modify' as const,
        LogicalResourceId: 'AppLaunchTemplate',
        ResourceType: 'AWS::EC2::LaunchTemplate',
        Replacement: 'False' as const,
        Details: [],
      },
    },
  ],
};
/** The app group after the update: version 2 is the group's, one instance still runs version 1. */
const staleGroup = {
  AutoScalingGroups: [
    {
      AutoScalingGroupName: 'frag-demo-app',
      MinSize: 1,
      MaxSize: 2,
      DesiredCapacity: 1,
      DefaultCooldown: 300,
      AvailabilityZones: ['us-east-1a'],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(),
      LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '2' },
      Instances: [
        {
          InstanceId: 'i-0old',
          LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '1' },
          AvailabilityZone: 'us-east-1a',
          LifecycleState: 'InService' as const,
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: false,
        },
      ],
    },
  ],
};

describe('update rolls the instances a launch template change leaves behind (instance refresh: moto has none)', () => {
  it('after the stack update, an instance on the old launch template version gets a refresh, watched to the end', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2'; // something to change (a new image would do the same)
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/lt' });
    cfn.on(DescribeChangeSetCommand).resolves(launchTemplateChange);
    asg.on(DescribeAutoScalingGroupsCommand).resolves(staleGroup);
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'refresh-1' });
    asg.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: [{ InstanceRefreshId: 'refresh-1', Status: 'Successful', PercentageComplete: 100 }],
    });
    const r = await update(ctx, { deploy: false });
    assert.equal(r.changed, true);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 1);
    assert.equal(asg.commandCalls(StartInstanceRefreshCommand)[0]!.args[0].input.AutoScalingGroupName, 'frag-demo-app');
    assert.match(
      ctx.io.withCode('refresh.needed')[0]!.message,
      /frag-demo-app: 1 instance\(s\) run an older launch template than version 2 \(i-0old\)/,
    );
    assert.equal(ctx.io.withCode('refresh.done').length, 1);
  });

  it('a refresh already running: exit 1, saying the stack WAS updated and the instances were not rolled', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/lt2' });
    cfn.on(DescribeChangeSetCommand).resolves(launchTemplateChange);
    asg.on(DescribeAutoScalingGroupsCommand).resolves(staleGroup);
    asg
      .on(StartInstanceRefreshCommand)
      .rejects(new InstanceRefreshInProgressFault({ message: 'An Instance Refresh is already in progress', $metadata: {} }));
    const err = await update(ctx, { deploy: false }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'REFRESH_RUNNING', String(err));
    assert.equal(err.exitCode, 1);
    assert.equal(
      err.message,
      'stack frag-demo was updated (UPDATE_COMPLETE), but its new instances were not rolled out: an instance refresh is already running on frag-demo-app',
    );
    assert.match(err.hint!, /cancel-instance-refresh --auto-scaling-group-name frag-demo-app\), then run update again/);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 1, 'the reviewed change set did run');
  });
});

describe('update executes the reviewed change set', () => {
  it('shows property before/after (secrets masked), then executes that exact change set, never UpdateStack', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    const stack = await runningStack(ctx, 'first-password-1');
    let executed = false;
    cfn
      .on(DescribeStacksCommand)
      .callsFake(() => ({ Stacks: [executed ? { ...stack, StackStatus: 'UPDATE_COMPLETE', LastUpdatedTime: new Date() } : stack] }));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:changeSet/fragctl-1' });
    cfn.on(DescribeChangeSetCommand).resolvesOnce({ Status: 'CREATE_IN_PROGRESS' }).resolves(computed);
    cfn.on(ExecuteChangeSetCommand).callsFake(() => ((executed = true), {}));
    let shown: Parameters<NonNullable<Parameters<typeof update>[1]['onChanges']>> | undefined;
    const r = await update(ctx, { deploy: false, onChanges: (...a) => (shown = a) });

    assert.equal(r.changed, true);
    const exec = cfn.commandCalls(ExecuteChangeSetCommand);
    assert.equal(exec.length, 1);
    assert.equal(exec[0]!.args[0].input.ChangeSetName, 'arn:changeSet/fragctl-1', 'the reviewed change set, by its ID');
    assert.equal(cfn.commandCalls(UpdateStackCommand).length, 0);
    assert.equal(cfn.commandCalls(DeleteChangeSetCommand).length, 0, 'an executed change set is not deleted');
    const [changes, params] = shown!;
    assert.deepEqual(
      changes[0]!.properties.map((p) => [p.path, p.before, p.after]),
      [
        ['Properties.DBInstanceClass', 'db.t3.micro', 'db.t3.small'],
        ['Properties.MasterUserPassword', '****', '****'],
      ],
    );
    assert.deepEqual(params, [{ name: 'DbPassword', before: '****', after: '****', secret: true }]);
    assert.ok(cfn.commandCalls(DescribeChangeSetCommand).every((c) => c.args[0].input.IncludePropertyValues === true));
    assert.ok(!JSON.stringify(ctx.io.events).includes('second-password-2'), 'the new password is never in an event');
  });

  it('a rotated NoEcho password with nothing else changed is a change to apply, not "up to date"', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    process.env.FRAGCTL_DB_PASSWORD = 'rotated-password-3';
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/2' });
    cfn.on(DescribeChangeSetCommand).resolves({ ...computed, Changes: [] });
    const r = await update(ctx, { deploy: false });
    assert.equal(ctx.io.withCode('stack.unchanged').length, 0);
    assert.match(ctx.io.withCode('stack.secret-changed')[0]!.message, /DbPassword changed/);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 1);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    assert.equal(input.Parameters!.find((p) => p.ParameterKey === 'DbPassword')!.ParameterValue, 'rotated-password-3');
    const newTag = input.Tags!.find((t) => t.Key === SECRET_HASH_TAG)!.Value!;
    assert.deepEqual(
      secretHashes({ DbPassword: 'rotated-password-3' }, ['DbPassword'], newTag).changed,
      [],
      'the new tag hashes the new password',
    );
    assert.ok(!newTag.includes('rotated'), 'only a hash is stored');
    assert.deepEqual(r.parameters, [{ name: 'DbPassword', before: '****', after: '****', secret: true }]);
  });

  it('the same password and settings: up to date, no change set', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    const r = await update(ctx, { deploy: false });
    assert.equal(r.changed, false);
    assert.equal(cfn.commandCalls(CreateChangeSetCommand).length, 0);
  });

  it('an output-only change: no resource changes, shown as such, and applied', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    writeFileSync(join(dir, 'formations', 'extra.yaml'), 'Outputs:\n  Region:\n    Value: !Ref AWS::Region\n');
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/out' });
    cfn.on(DescribeChangeSetCommand).resolves({ ...computed, Changes: [] });
    const r = await update(ctx, { deploy: false });
    assert.equal(r.changed, true);
    assert.deepEqual([r.changes, r.parameters, r.outputChanges, r.tagChanges], [[], [], ['Region (added)'], []]);
    assert.match(ctx.io.withCode('stack.changes')[0]!.message, /no resource changes; outputs changed: Region \(added\)/);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand)[0]!.args[0].input.ChangeSetName, 'arn:cs/out');
  });

  it('refuses when the stack changed after the review, deleting the change set and executing nothing', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    const stack = await runningStack(ctx, 'first-password-1');
    // Someone else updated the stack while the operator read the review.
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack] })
      .resolves({ Stacks: [{ ...stack, LastUpdatedTime: new Date('2026-01-03T00:00:00Z') }] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/3' });
    cfn.on(DescribeChangeSetCommand).resolves(computed);
    const err = await update(ctx, { deploy: false }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'CHANGESET_STALE', String(err));
    assert.match(err.message, /the stack changed since the review/);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 0);
    assert.equal(cfn.commandCalls(DeleteChangeSetCommand)[0]!.args[0].input.ChangeSetName, 'arn:cs/3');
  });

  it('refuses a change set that is no longer EXECUTE_AVAILABLE', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    const stack = await runningStack(ctx, 'first-password-1');
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/4' });
    cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce(computed)
      .resolves({ ...computed, ExecutionStatus: 'OBSOLETE' });
    const err = await update(ctx, { deploy: false }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'CHANGESET_STALE', String(err));
    assert.match(err.message, /OBSOLETE/);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 0);
  });

  it('a FAILED change set is a failure unless CloudFormation says there is nothing to change', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    const stack = await runningStack(ctx, 'first-password-1');
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/5' });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves({ Status: 'FAILED', StatusReason: 'Template error: instance of Fn::GetAtt references undefined resource X' });
    const err = await update(ctx, { deploy: false }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'CHANGESET_FAILED', String(err));
    assert.equal(cfn.commandCalls(DeleteChangeSetCommand).length, 1);

    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    const none = await update(testContext({ ...SDK_MOCKED, dir }), { deploy: false });
    assert.equal(none.changed, false);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 0);
    assert.equal(cfn.commandCalls(DeleteChangeSetCommand).length, 2, 'the empty change set is deleted too');
  });

  it('--dry-run and a declined review leave no change set behind', async () => {
    process.env.FRAGCTL_DB_PASSWORD = 'second-password-2';
    for (const ctx of [
      testContext({ ...SDK_MOCKED, dir, patch: (c) => void (c.options.dryRun = true) }),
      testContext({ ...SDK_MOCKED, dir, answer: false }),
    ]) {
      cfn.reset();
      const stack = await runningStack(ctx, 'first-password-1');
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
      cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/6' });
      cfn.on(DescribeChangeSetCommand).resolves(computed);
      const r = await update(ctx, { deploy: false }).catch((e: unknown) => e);
      if (ctx.options.dryRun) assert.equal((r as { changed: boolean }).changed, false);
      else assert.ok(r instanceof DeclinedError, String(r));
      assert.equal(cfn.commandCalls(DeleteChangeSetCommand).length, 1);
      assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 0);
    }
  });
});

describe('capabilities', () => {
  const addRole = (): void =>
    writeFileSync(
      join(dir, 'formations', 'role.yaml'),
      'Resources:\n  AppRole:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: frag-app\n      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }\n',
    );

  it('an IAM role is listed and confirmed before the change set receives CAPABILITY_IAM and CAPABILITY_NAMED_IAM', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const stack = await runningStack(ctx, 'first-password-1');
    addRole();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/7' });
    cfn.on(DescribeChangeSetCommand).resolves({
      ...computed,
      Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'AppRole', ResourceType: 'AWS::IAM::Role' } }],
    });
    const r = await update(ctx, { deploy: false });
    assert.equal(r.changed, true);
    assert.match(ctx.io.confirms[0]!.message, /acknowledge CAPABILITY_IAM, CAPABILITY_NAMED_IAM/);
    assert.match(ctx.io.withCode('stack.capabilities')[0]!.message, /AppRole \(AWS::IAM::Role, RoleName\)/);
    assert.deepEqual(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.Capabilities, ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
  });

  it('declined: exits as declined with no change set created', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir, answer: false });
    const stack = await runningStack(ctx, 'first-password-1');
    addRole();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    const err = await update(ctx, { deploy: false }).catch((e: unknown) => e);
    assert.ok(err instanceof DeclinedError && err.code === 'CAPABILITIES_DECLINED', String(err));
    assert.equal(cfn.commandCalls(CreateChangeSetCommand).length, 0);
    assert.equal(cfn.commandCalls(ExecuteChangeSetCommand).length, 0);
  });
});
