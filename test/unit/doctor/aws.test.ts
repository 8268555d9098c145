/**
 * AWS stuck states moto cannot produce (it never fails a rollback or a delete, and completes every
 * operation at once): the calls doctor makes are answered by aws-sdk-client-mock, and the
 * commands --fix sends are asserted.
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
import { DeleteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { doctor } from '../../../src/core/doctor/doctor.js';
import { RecordingIo, testContext } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const ddb = mockClient(DynamoDBClient);

beforeEach(() => {
  cfn.reset();
  ec2.reset();
  ddb.reset();
  stateTable();
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});
afterEach(() => {
  cfn.reset();
  ec2.reset();
  ddb.reset();
});

const stack = (status: StackStatus, reason?: string) =>
  cfn
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'frag-staging', StackStatus: status, StackStatusReason: reason, CreationTime: new Date() }] });
/** A stack whose status the test moves on as CloudFormation would. */
function stackIn(initial: StackStatus): { set(s: StackStatus | 'gone'): void } {
  let now: StackStatus | 'gone' = initial;
  cfn.on(DescribeStacksCommand).callsFake(() => {
    if (now === 'gone') throw Object.assign(new Error('Stack with id frag-staging does not exist'), { name: 'ValidationError' });
    return { Stacks: [{ StackName: 'frag-staging', StackStatus: now, CreationTime: new Date() }] };
  });
  return { set: (s) => (now = s) };
}
/** A working state table: the lock is free and can be taken; what is written is kept in `puts`. */
function stateTable(): void {
  ddb.reset();
  ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
  ddb.on(GetItemCommand).resolves({});
  ddb.on(PutItemCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
}
const puts = () => ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item!);

test('a healthy environment: nothing stuck, nothing sent', async () => {
  stack('UPDATE_COMPLETE');
  const r = await doctor(testContext(), { fix: true });
  assert.equal(r.ok, true);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.checked, ['lock', 'stack', 'image-builder']);
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});

test('ROLLBACK_COMPLETE: delete and recreate; --fix deletes after confirmation, under the lock, recorded, and re-reads the stack', async () => {
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

  stateTable();
  const s = stackIn('ROLLBACK_COMPLETE');
  cfn.on(DeleteStackCommand).callsFake(() => (s.set('DELETE_IN_PROGRESS'), setTimeout(() => s.set('gone'), 50), {}));
  const io = new RecordingIo(true);
  const fixed = await doctor(testContext({ io }), { fix: true, args: ['staging', 'doctor', '--fix'] });
  assert.equal(fixed.ok, true);
  assert.equal(fixed.findings[0]!.result, 'fixed');
  assert.match(fixed.findings[0]!.now!, /frag-staging is deleted/);
  assert.match(io.confirms[0]!.message, /Delete the failed stack frag-staging/);
  assert.deepEqual(
    cfn.commandCalls(DeleteStackCommand).map((c) => [c.args[0].input.StackName, c.args[0].input.RetainResources]),
    [['frag-staging', undefined]],
  );
  const written = puts();
  assert.equal(written[0]!.pk!.S, 'lock#staging', 'the lock is taken first');
  const record = written.filter((i) => i.pk!.S === 'run#staging').at(-1)!;
  assert.equal(record.verb!.S, 'doctor');
  assert.equal(record.outcome!.S, 'succeeded');
  assert.ok(
    ddb.commandCalls(DeleteItemCommand).some((c) => c.args[0].input.Key!.pk!.S === 'lock#staging'),
    'and released',
  );
});

test('a fix the API accepts but that does not take is reported as unfixed, with the state read again', async () => {
  stateTable();
  stackIn('ROLLBACK_COMPLETE');
  cfn.on(DeleteStackCommand).resolves({}); // accepted, but the stack stays (e.g. DELETE_FAILED right away)
  const r = await doctor(testContext({ io: new RecordingIo(true) }), { fix: true });
  assert.equal(r.findings[0]!.result, 'unfixed');
  assert.equal(r.findings[0]!.now, 'frag-staging is ROLLBACK_COMPLETE');
  assert.equal(r.ok, false);
});

test('--fix with the environment locked by a live run: refused, nothing changed', async () => {
  stack('ROLLBACK_COMPLETE');
  ddb.reset();
  ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
  const holder = {
    pk: { S: 'lock#staging' },
    sk: { S: 'lock' },
    runId: { S: 'r1' },
    who: { S: 'ann@elsewhere' },
    host: { S: 'elsewhere' },
    pid: { N: '4242' },
    since: { S: new Date().toISOString() },
    verb: { S: 'update' },
  };
  ddb.on(GetItemCommand).resolves({ Item: holder });
  ddb.on(PutItemCommand).rejects(Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' }));
  await assert.rejects(doctor(testContext({ io: new RecordingIo(true) }), { fix: true }), /staging is locked by ann@elsewhere/);
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});

const failedResources = {
  StackResources: [
    {
      LogicalResourceId: 'Database',
      ResourceType: 'AWS::RDS::DBInstance',
      ResourceStatus: 'UPDATE_FAILED' as const,
      ResourceStatusReason: 'DB instance is not in available state',
      Timestamp: new Date(),
    },
    {
      LogicalResourceId: 'AppGroup',
      ResourceType: 'AWS::AutoScaling::AutoScalingGroup',
      ResourceStatus: 'UPDATE_COMPLETE' as const,
      Timestamp: new Date(),
    },
    {
      LogicalResourceId: 'AppLaunchTemplate',
      ResourceType: 'AWS::EC2::LaunchTemplate',
      ResourceStatus: 'UPDATE_FAILED' as const,
      Timestamp: new Date(),
    },
  ],
};

test('UPDATE_ROLLBACK_FAILED: the rollback is retried first, skipping nothing; done when it completes', async () => {
  stateTable();
  const s = stackIn('UPDATE_ROLLBACK_FAILED');
  cfn.on(DescribeStackResourcesCommand).resolves(failedResources);
  cfn.on(ContinueUpdateRollbackCommand).callsFake(() => (s.set('UPDATE_ROLLBACK_COMPLETE'), {}));
  const io = new RecordingIo(true);
  const r = await doctor(testContext({ io }), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'stack.update-rollback-failed');
  assert.match(f.problem, /Database \(AWS::RDS::DBInstance\): DB instance is not in available state/);
  assert.equal(f.result, 'fixed');
  assert.equal(f.now, 'frag-staging is UPDATE_ROLLBACK_COMPLETE');
  assert.deepEqual(
    cfn.commandCalls(ContinueUpdateRollbackCommand).map((c) => c.args[0].input),
    [{ StackName: 'frag-staging' }],
  );
  assert.equal(io.confirms.length, 1, 'no question about skipping');
});

test('UPDATE_ROLLBACK_FAILED again after the retry: skipping the named resources is offered with their reasons', async () => {
  stateTable();
  const s = stackIn('UPDATE_ROLLBACK_FAILED');
  cfn.on(DescribeStackResourcesCommand).resolves(failedResources);
  cfn
    .on(ContinueUpdateRollbackCommand)
    .callsFake(
      (i: { ResourcesToSkip?: string[] }) => (s.set(i.ResourcesToSkip ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED'), {}),
    );
  const io = new RecordingIo(true);
  const r = await doctor(testContext({ io }), { fix: true });
  assert.equal(r.findings[0]!.result, 'fixed');
  assert.deepEqual(
    cfn.commandCalls(ContinueUpdateRollbackCommand).map((c) => c.args[0].input),
    [{ StackName: 'frag-staging' }, { StackName: 'frag-staging', ResourcesToSkip: ['AppLaunchTemplate', 'Database'] }],
  );
  assert.match(
    io.confirms[1]!.message,
    /Skip AppLaunchTemplate, Database .*Database \(AWS::RDS::DBInstance\): DB instance is not in available state/,
  );

  // Declined: the stack stays failed, and doctor says so.
  cfn.resetHistory();
  s.set('UPDATE_ROLLBACK_FAILED');
  const answers = [true, false];
  const io2 = new (class extends RecordingIo {
    override async confirm(request: Parameters<RecordingIo['confirm']>[0]): Promise<boolean> {
      this.confirms.push(request);
      return answers.shift() ?? false;
    }
  })();
  const declined = await doctor(testContext({ io: io2 }), { fix: true });
  assert.equal(declined.findings[0]!.result, 'unfixed');
  assert.match(declined.findings[0]!.detail!, /skipping AppLaunchTemplate, Database was declined/);
  assert.equal(cfn.commandCalls(ContinueUpdateRollbackCommand).length, 1);
});

test('DELETE_FAILED: says what blocked it; --fix deletes again keeping the blockers', async () => {
  const s = stackIn('DELETE_FAILED');
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        LogicalResourceId: 'BackendSecurityGroup',
        PhysicalResourceId: 'sg-0abc',
        ResourceType: 'AWS::EC2::SecurityGroup',
        ResourceStatus: 'DELETE_FAILED',
        ResourceStatusReason: 'resource sg-0abc has a dependent object',
        Timestamp: new Date(),
      },
    ],
  });
  cfn.on(DeleteStackCommand).callsFake(() => (s.set('gone'), {}));
  const r = await doctor(testContext(), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'stack.delete-failed');
  assert.equal(f.result, 'fixed');
  assert.match(f.problem, /blocked by BackendSecurityGroup sg-0abc \(AWS::EC2::SecurityGroup\): resource sg-0abc has a dependent object/);
  assert.match(f.fix, /--retain-resources BackendSecurityGroup/);
  assert.match(f.detail!, /left in the account: BackendSecurityGroup sg-0abc/);
  assert.deepEqual(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input, {
    StackName: 'frag-staging',
    RetainResources: ['BackendSecurityGroup'],
  });
});

const builder = (env?: string, state = 'running') => ({
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-0123',
          State: { Name: state as 'running' },
          Tags: [{ Key: 'Name', Value: 'frag-image-builder' }, ...(env ? [{ Key: 'Env', Value: env }] : [])],
        },
      ],
    },
  ],
});

test('a leftover image-builder instance of this environment: terminated under the image lock; a failing fix is reported, not thrown', async () => {
  stateTable();
  cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id frag-staging does not exist'), { name: 'ValidationError' }));
  ec2.on(DescribeInstancesCommand).resolves(builder('staging'));
  ec2.on(TerminateInstancesCommand).rejects(new Error('UnauthorizedOperation'));
  const r = await doctor(testContext({ io: new RecordingIo(true) }), { fix: true });
  const f = r.findings[0]!;
  assert.equal(f.code, 'image.builder-left');
  assert.match(f.fix, /aws ec2 terminate-instances --instance-ids i-0123/);
  assert.equal(f.result, 'failed');
  assert.equal(r.ok, false);
  ec2.on(TerminateInstancesCommand).callsFake(() => (ec2.on(DescribeInstancesCommand).resolves(builder('staging', 'shutting-down')), {}));
  const again = await doctor(testContext({ io: new RecordingIo(true) }), { fix: true });
  assert.equal(again.findings[0]!.result, 'fixed');
  assert.equal(again.findings[0]!.now, 'i-0123 shutting-down');
  assert.deepEqual(ec2.commandCalls(TerminateInstancesCommand).at(-1)!.args[0].input, { InstanceIds: ['i-0123'] });
  assert.ok(
    puts().some((i) => i.pk!.S === 'lock#@image'),
    'the image lock was taken',
  );
});

test("another environment's builder (demo baking): staging doctor --fix leaves it alone and says why", async () => {
  stateTable();
  stack('UPDATE_COMPLETE');
  ec2.on(DescribeInstancesCommand).resolves(builder('demo'));
  const r = await doctor(testContext({ io: new RecordingIo(true) }), { fix: true });
  assert.deepEqual(r.findings, []);
  assert.equal(r.ok, true);
  assert.match(r.notes.join('\n'), /i-0123 was launched by demo's bake \(tag Env=demo\): staging leaves it alone/);
  assert.equal(ec2.commandCalls(TerminateInstancesCommand).length, 0);
});

test('an untagged builder while the image lock is held by a live bake: left alone, with who holds it', async () => {
  stateTable();
  stack('UPDATE_COMPLETE');
  ec2.on(DescribeInstancesCommand).resolves(builder());
  const bake = {
    pk: { S: 'lock#@image' },
    sk: { S: 'lock' },
    runId: { S: 'r9' },
    who: { S: 'bob@ci (demo)' },
    host: { S: 'ci' },
    pid: { N: '99' },
    since: { S: '2026-01-01T00:00:00Z' },
    verb: { S: 'bake demo' },
  };
  ddb.on(GetItemCommand, { Key: { pk: { S: 'lock#@image' }, sk: { S: 'lock' } } }).resolves({ Item: bake });
  const r = await doctor(testContext({ io: new RecordingIo(true) }), { fix: true });
  assert.deepEqual(r.findings, []);
  assert.match(r.notes.join('\n'), /i-0123 is left alone: the application's image lock is held by bob@ci \(demo\) for bake demo/);
  assert.equal(ec2.commandCalls(TerminateInstancesCommand).length, 0);
});

test('without a TTY and without --yes, --fix refuses instead of guessing', async () => {
  stack('ROLLBACK_COMPLETE');
  await assert.rejects(doctor(testContext({ io: new RecordingIo('throw') }), { fix: true }));
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});
