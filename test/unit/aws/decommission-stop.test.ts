/**
 * Decommission stops the application before the final snapshot. Mocked at the SDK because moto
 * completes everything at once and deletes the groups with the stack: the order of the calls and
 * a group that is still draining cannot be observed there.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { decommission } from '../../../src/core/aws/decommission.js';
import { OperationError } from '../../../src/core/errors.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { copyProject } from '../../helpers/cli.js';

/**
 * The reference project without its `stop` task: these tests are about the groups (a task would run
 * Ansible against the stack's hosts, which the lifecycle test on moto does).
 */
function withoutStopTask(): string {
  const dir = copyProject();
  const index = join(dir, 'playbooks', 'tasks', 'tasks.yml');
  writeFileSync(index, readFileSync(index, 'utf8').replace(/^stop:\n(?: {2}.*\n)*/m, ''));
  return dir;
}
const ctxFor = () => testContext({ ...SDK_MOCKED, dir: withoutStopTask() });

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const asg = mockClient(AutoScalingClient);
let order: string[];

const resource = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string) => ({
  LogicalResourceId,
  ResourceType,
  PhysicalResourceId,
  ResourceStatus: 'CREATE_COMPLETE' as const,
  StackName: 'frag-demo',
  Timestamp: new Date(),
});
const stack = {
  StackName: 'frag-demo',
  StackId: 'arn:stack/frag-demo/1',
  StackStatus: 'CREATE_COMPLETE' as const,
  CreationTime: new Date(),
  Parameters: [],
};

function world(opts: { policy?: string; snapshot?: { Engine?: string; AllocatedStorage?: number; SnapshotCreateTime?: Date } } = {}): void {
  cfn
    .on(DescribeStacksCommand)
    .resolvesOnce({ Stacks: [stack] })
    .resolves({ Stacks: [{ ...stack, StackStatus: 'DELETE_COMPLETE' as const }] });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      resource('Database', 'AWS::RDS::DBInstance', 'frag-demo-db'),
      resource('AppGroup', 'AWS::AutoScaling::AutoScalingGroup', 'frag-demo-app'),
      resource('WorkerGroup', 'AWS::AutoScaling::AutoScalingGroup', 'frag-demo-worker'),
    ],
  });
  cfn.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({
      Resources: {
        Database: { Type: 'AWS::RDS::DBInstance', ...(opts.policy ? { DeletionPolicy: opts.policy } : {}) },
        AppGroup: {},
        WorkerGroup: {},
      },
    }),
  });
  cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  cfn.on(DeleteStackCommand).callsFake(() => (order.push('DeleteStack'), {}));
  asg
    .on(UpdateAutoScalingGroupCommand)
    .callsFake(
      (i: { AutoScalingGroupName: string; DesiredCapacity: number }) => (
        order.push(`scale ${i.AutoScalingGroupName} ${i.DesiredCapacity}`),
        {}
      ),
    );
  // The app group drains over two polls: its instance is still there on the first one.
  const draining = {
    AutoScalingGroupName: 'frag-demo-app',
    MinSize: 0,
    MaxSize: 2,
    DesiredCapacity: 0,
    Instances: [
      {
        InstanceId: 'i-1',
        LifecycleState: 'Terminating' as const,
        AvailabilityZone: 'a',
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: false,
      },
    ],
    DefaultCooldown: 0,
    AvailabilityZones: [],
    HealthCheckType: 'EC2',
    CreatedTime: new Date(),
  };
  asg
    .on(DescribeAutoScalingGroupsCommand)
    .callsFakeOnce(() => (order.push('groups: 1 instance left'), { AutoScalingGroups: [draining] }))
    .callsFake(() => (order.push('groups: empty'), { AutoScalingGroups: [{ ...draining, Instances: [] }] }));
  rds
    .on(DescribeDBInstancesCommand)
    .resolves({ DBInstances: [{ DBInstanceIdentifier: 'frag-demo-db', Engine: 'postgres', AllocatedStorage: 20 }] });
  rds.on(CreateDBSnapshotCommand).callsFake(() => (order.push('CreateDBSnapshot'), { DBSnapshot: { Status: 'creating' } }));
  rds.on(DescribeDBSnapshotsCommand).callsFake((i: { DBSnapshotIdentifier?: string; DBInstanceIdentifier?: string }) =>
    i.DBInstanceIdentifier
      ? {
          DBSnapshots: [
            {
              DBSnapshotIdentifier: 'frag-demo-db-cfn-snap',
              DBInstanceIdentifier: 'frag-demo-db',
              Status: 'available',
              SnapshotCreateTime: new Date(Date.now() + 60_000),
            },
          ],
        }
      : {
          DBSnapshots: [
            {
              DBSnapshotIdentifier: i.DBSnapshotIdentifier,
              Status: 'available',
              Engine: 'postgres',
              AllocatedStorage: 20,
              SnapshotCreateTime: new Date(),
              ...opts.snapshot,
            },
          ],
        },
  );
}

beforeEach(() => {
  order = [];
});
afterEach(() => {
  cfn.reset();
  rds.reset();
  asg.reset();
});

describe('decommission stops the application first', () => {
  it('scales the app and worker groups to zero, waits until they are empty, then snapshots, then deletes', async () => {
    world();
    const ctx = ctxFor();
    const r = await decommission(ctx, {});
    assert.deepEqual(order, [
      'scale frag-demo-app 0',
      'scale frag-demo-worker 0',
      'groups: 1 instance left',
      'groups: empty',
      'CreateDBSnapshot',
      'DeleteStack',
    ]);
    assert.deepEqual(
      asg.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input.MinSize),
      [0, 0],
    );
    assert.deepEqual(r.stopped?.groups, ['frag-demo-app', 'frag-demo-worker']);
    assert.equal(r.snapshots[0]!.engine, 'postgres');
    assert.equal(r.snapshots[0]!.allocatedStorageGiB, 20);
    assert.ok(ctx.io.events.some((e) => e.code === 'decommission.stopped'));
    const warned = ctx.io.events.find((e) => e.code === 'decommission.no-stop-task');
    assert.match(
      warned?.message ?? '',
      /no `stop` task: only the autoscaling groups \(frag-demo-app, frag-demo-worker\) are stopped; .*keep running and what they write after the final snapshot is lost/,
    );
  });

  it('--no-stop: no group is scaled, and a warning says writes after the snapshot are lost', async () => {
    world();
    const ctx = ctxFor();
    await decommission(ctx, { noStop: true });
    assert.deepEqual(order, ['CreateDBSnapshot', 'DeleteStack']);
    assert.ok(ctx.io.events.some((e) => e.code === 'decommission.no-stop' && /writes after the final snapshot are lost/.test(e.message)));
  });

  it('refuses to delete when the snapshot is of another engine or size', async () => {
    world({ snapshot: { Engine: 'mysql', AllocatedStorage: 10 } });
    const err = await decommission(ctxFor(), {}).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'SNAPSHOT_MISMATCH', String(err));
    assert.match(err.message, /engine mysql, the database runs postgres; size 10 GiB, the database has 20 GiB; the stack was NOT deleted/);
    assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
  });

  it('refuses to delete when the snapshot was taken before the application stopped', async () => {
    world({ snapshot: { SnapshotCreateTime: new Date(Date.now() - 3_600_000) } });
    const err = await decommission(ctxFor(), {}).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'SNAPSHOT_MISMATCH', String(err));
    assert.match(err.message, /before the application stopped/);
    assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
  });

  it('a group that does not scale in (its minimum set back): exit 1, nothing snapshotted or deleted', async () => {
    world();
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'frag-demo-app',
          MinSize: 2,
          MaxSize: 2,
          DesiredCapacity: 2,
          Instances: [],
          DefaultCooldown: 0,
          AvailabilityZones: [],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(),
        },
      ],
    });
    const err = await decommission(ctxFor(), {}).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'STOP_FAILED', String(err));
    assert.match(err.message, /frag-demo-app did not scale to zero \(min 2, desired 2\); nothing was snapshotted or deleted/);
    assert.equal(rds.commandCalls(CreateDBSnapshotCommand).length + cfn.commandCalls(DeleteStackCommand).length, 0);
  });

  it('declined: no group is scaled, nothing is snapshotted or deleted', async () => {
    world();
    await assert.rejects(decommission(testContext({ ...SDK_MOCKED, answer: false }), {}));
    assert.deepEqual(order, []);
  });

  it('reports the snapshot CloudFormation keeps for DeletionPolicy: Snapshot', async () => {
    world({ policy: 'Snapshot' });
    const r = await decommission(ctxFor(), {});
    assert.deepEqual(r.policySnapshots, [
      { logicalId: 'Database', dbInstance: 'frag-demo-db', snapshotId: 'frag-demo-db-cfn-snap', status: 'available' },
    ]);
  });
});
