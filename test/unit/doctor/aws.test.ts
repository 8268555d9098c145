/**
 * AWS stuck states moto cannot produce (it never fails a rollback or a delete): the calls doctor
 * makes are answered by aws-sdk-client-mock, and the commands --fix sends are asserted.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { doctor } from '../../../src/core/doctor/doctor.js';
import { RecordingIo, testContext } from '../records/support.js';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const ddb = mockClient(DynamoDBClient);

beforeEach(() => {
  cfn.reset();
  ec2.reset();
  ddb.reset();
  ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));
  ddb.on(GetItemCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});
afterEach(() => {
  cfn.reset();
  ec2.reset();
  ddb.reset();
});

const stack = (status: StackStatus, reason?: string) => cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'frag-staging', StackStatus: status, StackStatusReason: reason, CreationTime: new Date() }] });

test('a healthy environment: nothing stuck, nothing sent', async () => {
  stack('UPDATE_COMPLETE');
  const r = await doctor(testContext(), { fix: true });
  assert.equal(r.ok, true);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.checked, ['lock', 'stack', 'image-builder']);
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});

test('ROLLBACK_COMPLETE: delete and recreate; --fix deletes after confirmation', async () => {
  stack('ROLLBACK_COMPLETE', 'The following resource(s) failed to create: [Database]');
  const report = await doctor(testContext());
  assert.equal(report.ok, false);
  const f = report.findings[0]!;
  assert.equal(f.code, 'stack.rollback-complete');
  assert.match(f.problem, /ROLLBACK_COMPLETE.*failed to create: \[Database\]/);
  assert.match(f.fix, /aws cloudformation delete-stack --stack-name frag-staging; fragctl staging commission/);
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0, 'without --fix nothing is changed');

  const declined = await doctor(testContext({ io: new RecordingIo(false) }), { fix: true });
  assert.equal(declined.findings[0]!.result, 'declined');
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);

  cfn.on(DeleteStackCommand).resolves({});
  const io = new RecordingIo(true);
  const fixed = await doctor(testContext({ io }), { fix: true });
  assert.equal(fixed.ok, true);
  assert.equal(fixed.findings[0]!.result, 'fixed');
  assert.match(io.confirms[0]!.message, /Delete the failed stack frag-staging/);
  assert.deepEqual(cfn.commandCalls(DeleteStackCommand).map((c) => [c.args[0].input.StackName, c.args[0].input.RetainResources]), [['frag-staging', undefined]]);
});

test('UPDATE_ROLLBACK_FAILED: continue the rollback, skipping exactly the resources that failed', async () => {
  stack('UPDATE_ROLLBACK_FAILED');
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      { LogicalResourceId: 'Database', ResourceType: 'AWS::RDS::DBInstance', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'DB instance is not in available state', Timestamp: new Date() },
      { LogicalResourceId: 'AppGroup', ResourceType: 'AWS::AutoScaling::AutoScalingGroup', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: new Date() },
      { LogicalResourceId: 'AppLaunchTemplate', ResourceType: 'AWS::EC2::LaunchTemplate', ResourceStatus: 'UPDATE_FAILED', Timestamp: new Date() },
    ],
  });
  cfn.on(ContinueUpdateRollbackCommand).resolves({});
  const r = await doctor(testContext(), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'stack.update-rollback-failed');
  assert.match(f.problem, /Database \(AWS::RDS::DBInstance\): DB instance is not in available state/);
  assert.match(f.fix, /continue-update-rollback --stack-name frag-staging --resources-to-skip AppLaunchTemplate Database/);
  assert.equal(f.result, 'fixed');
  assert.deepEqual(cfn.commandCalls(ContinueUpdateRollbackCommand)[0]!.args[0].input, { StackName: 'frag-staging', ResourcesToSkip: ['AppLaunchTemplate', 'Database'] });
});

test('DELETE_FAILED: says what blocked it; --fix deletes again keeping the blockers', async () => {
  stack('DELETE_FAILED');
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      { LogicalResourceId: 'BackendSecurityGroup', PhysicalResourceId: 'sg-0abc', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'DELETE_FAILED', ResourceStatusReason: 'resource sg-0abc has a dependent object', Timestamp: new Date() },
    ],
  });
  cfn.on(DeleteStackCommand).resolves({});
  const r = await doctor(testContext(), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'stack.delete-failed');
  assert.match(f.problem, /blocked by BackendSecurityGroup sg-0abc \(AWS::EC2::SecurityGroup\): resource sg-0abc has a dependent object/);
  assert.match(f.fix, /--retain-resources BackendSecurityGroup/);
  assert.match(f.detail!, /left in the account: BackendSecurityGroup sg-0abc/);
  assert.deepEqual(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input, { StackName: 'frag-staging', RetainResources: ['BackendSecurityGroup'] });
});

test('a leftover image-builder instance: terminate it; a failing fix is reported, not thrown', async () => {
  cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id frag-staging does not exist'), { name: 'ValidationError' }));
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0123', Tags: [{ Key: 'Name', Value: 'frag-image-builder' }] }] }] });
  ec2.on(TerminateInstancesCommand).rejects(new Error('UnauthorizedOperation'));
  const r = await doctor(testContext(), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'image.builder-left');
  assert.match(f.fix, /aws ec2 terminate-instances --instance-ids i-0123/);
  assert.equal(f.result, 'failed');
  assert.equal(r.ok, false);
  ec2.on(TerminateInstancesCommand).resolves({});
  const again = await doctor(testContext(), { fix: true });
  assert.equal(again.findings[0]!.result, 'fixed');
  assert.deepEqual(ec2.commandCalls(TerminateInstancesCommand).at(-1)!.args[0].input, { InstanceIds: ['i-0123'] });
});

test('without a TTY and without --yes, --fix refuses instead of guessing', async () => {
  stack('ROLLBACK_COMPLETE');
  await assert.rejects(doctor(testContext({ io: new RecordingIo('throw') }), { fix: true }));
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});
