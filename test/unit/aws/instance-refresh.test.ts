/**
 * Instance refreshes: mocked at the SDK because moto does not implement StartInstanceRefresh,
 * DescribeInstanceRefreshes or CancelInstanceRefresh.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  InstanceRefreshInProgressFault,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { refreshGroup, rollStaleGroups, staleInstances } from '../../../src/core/aws/instance-refresh.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const asg = mockClient(AutoScalingClient);
afterEach(() => asg.reset());

const refresh = (
  Status: 'Pending' | 'InProgress' | 'Successful' | 'Failed',
  PercentageComplete: number,
  InstancesToUpdate: number,
  StatusReason?: string,
) => ({ InstanceRefreshes: [{ InstanceRefreshId: 'r-1', Status, PercentageComplete, InstancesToUpdate, StatusReason }] });

describe('instance refresh', () => {
  it('is started launch-before-terminate and watched to the end, one call per poll', async () => {
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    asg
      .on(DescribeInstanceRefreshesCommand)
      .resolvesOnce(refresh('Pending', 0, 2))
      .resolvesOnce(refresh('InProgress', 50, 1))
      .resolves(refresh('Successful', 100, 0));
    const ctx = testContext(SDK_MOCKED);
    const r = await refreshGroup(ctx, 'frag-demo-app');
    assert.deepEqual(r, { group: 'frag-demo-app', refreshId: 'r-1', status: 'Successful', percent: 100 });
    const start = asg.commandCalls(StartInstanceRefreshCommand)[0]!.args[0].input;
    assert.equal(start.AutoScalingGroupName, 'frag-demo-app');
    assert.deepEqual(start.Preferences, { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: true, InstanceWarmup: 60 });
    assert.equal(asg.commandCalls(DescribeInstanceRefreshesCommand).length, 3);
    assert.ok(
      ctx.io.events.some((e) => /InProgress, 50% done, 1 instance\(s\) to go/.test(e.message)),
      'progress shows percent and instances left',
    );
  });

  it('a refresh already running is a clear error and nothing is started', async () => {
    asg.on(StartInstanceRefreshCommand).rejects(
      new InstanceRefreshInProgressFault({
        message: 'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
        $metadata: {},
      }),
    );
    await assert.rejects(
      refreshGroup(testContext(SDK_MOCKED), 'frag-demo-app'),
      (e: Error & { code?: string; hint?: string; exitCode?: number }) => {
        assert.equal(e.exitCode, 1, 'a busy group is not bad input');
        assert.equal(e.message, 'an instance refresh is already running on frag-demo-app');
        assert.equal(e.code, 'REFRESH_RUNNING');
        assert.match(
          e.hint ?? '',
          /cancel it \(aws autoscaling cancel-instance-refresh --auto-scaling-group-name frag-demo-app\), then run update again/,
        );
        return true;
      },
    );
    assert.equal(asg.commandCalls(DescribeInstanceRefreshesCommand).length, 0);
  });

  it('Ctrl-C cancels the refresh and says what was replaced', async () => {
    const abort = new AbortController();
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    asg.on(DescribeInstanceRefreshesCommand).callsFake(() => {
      abort.abort();
      return refresh('InProgress', 50, 1);
    });
    asg.on(CancelInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    await assert.rejects(
      refreshGroup(testContext({ ...SDK_MOCKED, signal: abort.signal }), 'frag-demo-app'),
      (e: Error & { code?: string }) => {
        assert.equal(e.name, 'InterruptedError');
        assert.match(
          e.message,
          /^cancelled the instance refresh r-1 of frag-demo-app at 50%; instances already replaced keep the new image/,
        );
        return true;
      },
    );
    assert.equal(asg.commandCalls(CancelInstanceRefreshCommand)[0]?.args[0].input.AutoScalingGroupName, 'frag-demo-app');
  });

  it("a failed refresh is an error with AWS's reason", async () => {
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    asg.on(DescribeInstanceRefreshesCommand).resolves(refresh('Failed', 50, 1, 'Instance i-0abc failed its health check'));
    await assert.rejects(
      refreshGroup(testContext(SDK_MOCKED), 'frag-demo-app'),
      /the instance refresh r-1 of frag-demo-app ended Failed at 50%: Instance i-0abc failed its health check/,
    );
  });

  it('only groups with instances on an older launch template version are refreshed', async () => {
    const inst = (id: string, v: string) => ({ InstanceId: id, LaunchTemplate: { Version: v } });
    const app = {
      AutoScalingGroupName: 'frag-demo-app',
      LaunchTemplate: { Version: '3' },
      Instances: [inst('i-1', '3'), inst('i-2', '2')],
    };
    const worker = { AutoScalingGroupName: 'frag-demo-worker', LaunchTemplate: { Version: '2' }, Instances: [inst('i-3', '2')] };
    assert.deepEqual(staleInstances(app as never), ['i-2']);
    assert.deepEqual(staleInstances({ ...app, LaunchTemplate: { Version: '$Latest' } } as never), []);
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [app, worker] as never });
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    asg.on(DescribeInstanceRefreshesCommand).resolves(refresh('Successful', 100, 0));
    const out = await rollStaleGroups(testContext(SDK_MOCKED));
    assert.deepEqual(
      out.map((o) => o.group),
      ['frag-demo-app'],
    );
    assert.deepEqual(
      asg.commandCalls(StartInstanceRefreshCommand).map((c) => c.args[0].input.AutoScalingGroupName),
      ['frag-demo-app'],
    );
  });
});
