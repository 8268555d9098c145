/** status --watch follows an operation in progress until it ends (moto never shows one). */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { status } from '../../../src/core/aws/status.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const asg = mockClient(AutoScalingClient);
afterEach(() => {
  cfn.reset();
  ec2.reset();
  asg.reset();
});

const stack = (s: string) => ({
  Stacks: [
    {
      StackName: 'frag-demo',
      StackId: 'arn:1',
      StackStatus: s as never,
      CreationTime: new Date(),
      Parameters: [{ ParameterKey: 'ImageId', ParameterValue: 'ami-1' }],
      Outputs: [{ OutputKey: 'AppUrl', OutputValue: 'http://x/' }],
    },
  ],
});
const event = (id: string, st: string) => ({
  EventId: id,
  StackId: 'arn:1',
  StackName: 'frag-demo',
  LogicalResourceId: 'AppGroup',
  ResourceType: 'AWS::AutoScaling::AutoScalingGroup',
  ResourceStatus: st as never,
  Timestamp: new Date(),
});

describe('status', () => {
  it('--watch streams the events of an update in progress, then shows the final status', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_IN_PROGRESS'))
      .resolvesOnce(stack('UPDATE_IN_PROGRESS'))
      .resolvesOnce(stack('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'))
      .resolves(stack('UPDATE_COMPLETE'));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [event('e1', 'UPDATE_IN_PROGRESS')] })
      .resolvesOnce({ StackEvents: [event('e2', 'UPDATE_COMPLETE'), event('e1', 'UPDATE_IN_PROGRESS')] })
      .resolves({ StackEvents: [event('e3', 'UPDATE_COMPLETE'), event('e2', 'UPDATE_COMPLETE'), event('e1', 'UPDATE_IN_PROGRESS')] });
    ec2.on(DescribeImagesCommand).resolves({
      Images: [{ ImageId: 'ami-1', Name: 'frag-image-1', CreationDate: new Date(Date.now() - 3 * 86_400_000).toISOString() }],
    });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' }, Tags: [{ Key: 'Group', Value: 'app' }] }] }],
    });
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'frag-demo-app',
          DesiredCapacity: 2,
          MinSize: 1,
          MaxSize: 4,
          Instances: [],
          DefaultCooldown: 0,
          AvailabilityZones: [],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(),
        },
      ],
    });
    const ctx = testContext(SDK_MOCKED);
    const r = await status(ctx, { watch: true });
    assert.deepEqual(r.scaling, { app: { name: 'frag-demo-app', desired: 2, min: 1, max: 4, instances: 0 } });
    assert.deepEqual(asg.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.args[0].input.AutoScalingGroupNames, [
      'frag-demo-app',
      'frag-demo-worker',
    ]);
    assert.equal(r.status, 'UPDATE_COMPLETE');
    assert.deepEqual(
      ctx.io.withCode('stack.event').map((e) => (e.data?.event as { id: string }).id),
      ['e2', 'e3'],
      'only events after the watch began',
    );
    assert.equal(r.image?.ageDays, 3);
    assert.deepEqual(r.hosts, { app: [{ id: 'i-1', state: 'running', address: undefined, privateAddress: undefined }] });
    assert.equal(r.outputs.AppUrl, 'http://x/');
  });

  it('a stack that does not exist is reported, not an error', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id frag-demo does not exist'), { name: 'ValidationError' }));
    const r = await status(testContext(SDK_MOCKED));
    assert.equal(r.exists, false);
    assert.equal(ec2.calls().length, 0);
  });
});
