/**
 * The paths moto cannot show (no in-progress states, no rollbacks, no per-resource events),
 * through SDK-level mocks: every send of the CloudFormation client is answered by the mock.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import { waitForStack } from '../../../src/core/aws/wait.js';
import { OperationError, InterruptedError } from '../../../src/core/errors.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

let n = 0;
const ev = (logicalId: string, status: string, reason?: string, type = 'AWS::RDS::DBInstance'): StackEvent => ({
  EventId: `e${++n}`,
  StackId: 'arn:stack/frag-demo/1',
  StackName: 'frag-demo',
  LogicalResourceId: logicalId,
  ResourceType: logicalId === 'frag-demo' ? 'AWS::CloudFormation::Stack' : type,
  ResourceStatus: status as StackEvent['ResourceStatus'],
  ResourceStatusReason: reason,
  Timestamp: new Date(),
});
const stack = (status: string, reason?: string) => ({
  Stacks: [
    {
      StackName: 'frag-demo',
      StackId: 'arn:stack/frag-demo/1',
      StackStatus: status,
      StackStatusReason: reason,
      CreationTime: new Date(),
    } as never,
  ],
});
/** Newest first, as CloudFormation returns them. */
const page = (events: StackEvent[], NextToken?: string) => ({ StackEvents: [...events].reverse(), NextToken });

describe('waitForStack', () => {
  it("a create that rolls back fails with the failing resource's reason; events arrive over several polls, each shown once", async () => {
    const e1 = ev('frag-demo', 'CREATE_IN_PROGRESS', 'User Initiated');
    const e2 = ev('Database', 'CREATE_IN_PROGRESS');
    const e3 = ev('Database', 'CREATE_FAILED', 'DB instance class db.t3.nano is not available in us-east-1');
    const e4 = ev('KnowledgeServer', 'CREATE_FAILED', 'Resource creation cancelled', 'AWS::EC2::Instance');
    const e5 = ev('frag-demo', 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Database].');
    const e6 = ev('frag-demo', 'ROLLBACK_COMPLETE');
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('CREATE_IN_PROGRESS'))
      .resolvesOnce(stack('CREATE_IN_PROGRESS'))
      .resolvesOnce(stack('ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Database].'))
      .resolves(stack('ROLLBACK_COMPLETE', 'The following resource(s) failed to create: [Database].'));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page([e1]))
      .resolvesOnce(page([e1, e2]))
      .resolvesOnce(page([e1, e2, e3, e4, e5]))
      .resolves(page([e1, e2, e3, e4, e5, e6]));
    const ctx = testContext(SDK_MOCKED);
    const err = await waitForStack(ctx, { stack: 'arn:stack/frag-demo/1', operation: 'create', label: 'frag-demo' }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof OperationError, String(err));
    assert.match(err.message, /stack frag-demo is ROLLBACK_COMPLETE/);
    assert.deepEqual(err.details, [
      'caused by Database (AWS::RDS::DBInstance): DB instance class db.t3.nano is not available in us-east-1',
    ]);
    assert.match(err.hint ?? '', /commission --replace-failed/);
    const shown = ctx.io.withCode('stack.event').map((e) => (e.data?.event as { id: string }).id);
    assert.deepEqual(shown, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    // One status call and one events call per poll.
    assert.equal(cfn.commandCalls(DescribeStacksCommand).length, 4);
    assert.equal(cfn.commandCalls(DescribeStackEventsCommand).length, 4);
  });

  it('fetches only new events: paging stops at the last event seen', async () => {
    const old = Array.from({ length: 3 }, () => ev('frag-demo', 'UPDATE_COMPLETE'));
    const fresh = ev('frag-demo', 'UPDATE_IN_PROGRESS', 'User Initiated');
    const done = ev('frag-demo', 'UPDATE_COMPLETE');
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_IN_PROGRESS')).resolves(stack('UPDATE_COMPLETE'));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page([old[2]!, fresh], 'more'))
      .resolves(page([old[2]!, fresh, done], 'more'));
    const ctx = testContext(SDK_MOCKED);
    const r = await waitForStack(ctx, { stack: 'frag-demo', operation: 'update', sinceEventId: old[2]!.EventId });
    assert.equal(r.status, 'UPDATE_COMPLETE');
    assert.deepEqual(
      r.events.map((e) => e.EventId),
      [fresh.EventId, done.EventId],
    );
    assert.equal(
      cfn.commandCalls(DescribeStackEventsCommand).every((c) => c.args[0].input.NextToken === undefined),
      true,
      'never a second page',
    );
  });

  it('treats *_CLEANUP_IN_PROGRESS as progress', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_IN_PROGRESS'))
      .resolvesOnce(stack('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'))
      .resolves(stack('UPDATE_COMPLETE'));
    cfn.on(DescribeStackEventsCommand).resolves(page([]));
    const r = await waitForStack(testContext(SDK_MOCKED), { stack: 'frag-demo', operation: 'update' });
    assert.equal(r.status, 'UPDATE_COMPLETE');
    assert.equal(cfn.commandCalls(DescribeStacksCommand).length, 3);
  });

  it('UPDATE_ROLLBACK_FAILED fails with the resource reasons and says how to continue', async () => {
    const e1 = ev('AppGroup', 'UPDATE_FAILED', 'Received 0 SUCCESS signal(s) out of 1', 'AWS::AutoScaling::AutoScalingGroup');
    const e2 = ev('Database', 'UPDATE_FAILED', 'Cannot modify a stopped instance');
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_ROLLBACK_IN_PROGRESS'))
      .resolvesOnce(stack('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'))
      .resolves(stack('UPDATE_ROLLBACK_FAILED', 'Database failed to roll back'));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page([e1]))
      .resolves(page([e1, e2]));
    const err = await waitForStack(testContext(SDK_MOCKED), { stack: 'frag-demo', operation: 'update' }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError);
    assert.match(err.message, /UPDATE_ROLLBACK_FAILED: Database failed to roll back/);
    assert.equal(err.details.length, 2);
    assert.match(err.hint ?? '', /ContinueUpdateRollback/);
    assert.equal(err.code, 'STACK_UPDATE_ROLLBACK_FAILED');
  });

  it('DELETE_FAILED fails with what could not be deleted', async () => {
    const e1 = ev('AppSecurityGroup', 'DELETE_FAILED', 'resource sg-1 has a dependent object', 'AWS::EC2::SecurityGroup');
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('DELETE_IN_PROGRESS')).resolves(stack('DELETE_FAILED'));
    cfn.on(DescribeStackEventsCommand).resolves(page([e1]));
    const err = await waitForStack(testContext(SDK_MOCKED), { stack: 'frag-demo', operation: 'delete' }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError);
    assert.match(err.message, /DELETE_FAILED/);
    assert.match(err.details[0] ?? '', /AppSecurityGroup .*dependent object/);
    assert.match(err.hint ?? '', /decommission/);
  });

  it('a stack that disappears during a delete is done', async () => {
    const gone = Object.assign(new Error('Stack with id frag-demo does not exist'), { name: 'ValidationError' });
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('DELETE_IN_PROGRESS')).rejects(gone);
    cfn.on(DescribeStackEventsCommand).resolvesOnce(page([])).rejects(gone);
    const r = await waitForStack(testContext(SDK_MOCKED), { stack: 'frag-demo', operation: 'delete' });
    assert.equal(r.status, 'DELETE_COMPLETE');
  });

  it('Ctrl-C stops the wait, not the operation: exit 130 and how to follow it', async () => {
    const controller = new AbortController();
    cfn.on(DescribeStacksCommand).callsFake(() => {
      controller.abort();
      return stack('CREATE_IN_PROGRESS');
    });
    cfn.on(DescribeStackEventsCommand).resolves(page([]));
    const err = await waitForStack(testContext({ ...SDK_MOCKED, signal: controller.signal }), {
      stack: 'frag-demo',
      operation: 'create',
    }).catch((e: unknown) => e);
    assert.ok(err instanceof InterruptedError);
    assert.equal(err.exitCode, 130);
    assert.match(err.message, /creation goes on \(CREATE_IN_PROGRESS\)/);
    assert.match(err.hint ?? '', /fragctl demo status --watch/);
  });
});
