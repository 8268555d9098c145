/** Lifecycle decisions moto cannot show, with SDK-level mocks: protection, failed stacks, parameters, throttling. */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { RDSClient, CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { decommission } from '../../../src/core/aws/decommission.js';
import { commission } from '../../../src/core/aws/commission.js';
import { buildParameters } from '../../../src/core/aws/parameters.js';
import { describeStack } from '../../../src/providers/aws/cloudformation.js';
import { buildTemplate } from '../../../src/core/formations/index.js';
import { DeclinedError, OperationError, UserError } from '../../../src/core/errors.js';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { lifecycleProject } from '../../integration/aws/helpers.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
afterEach(() => {
  cfn.reset();
  rds.reset();
  delete process.env.FRAGCTL_DB_PASSWORD;
});

const protectedStack = {
  Stacks: [
    {
      StackName: 'frag-demo',
      StackId: 'arn:stack/frag-demo/1',
      StackStatus: 'CREATE_COMPLETE' as const,
      EnableTerminationProtection: true,
      CreationTime: new Date(),
      Parameters: [],
    },
  ],
};

describe('decommission of a protected stack', () => {
  it('refuses a stack with termination protection before anything is deleted', async () => {
    cfn.on(DescribeStacksCommand).resolves(protectedStack);
    const ctx = testContext(SDK_MOCKED);
    await assert.rejects(
      decommission(ctx, {}),
      (e: unknown) => e instanceof UserError && /termination protection/.test(e.message) && /--force-protected/.test(e.hint ?? ''),
    );
    assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
    assert.equal(ctx.io.confirms.length, 0);
  });

  it('refuses a protected environment without a single AWS call', async () => {
    const ctx = testContext({ ...SDK_MOCKED, env: 'production' });
    await assert.rejects(decommission(ctx, {}), (e: unknown) => e instanceof UserError && e.code === 'ENV_PROTECTED');
    assert.equal(cfn.calls().length, 0);
  });

  it('with --force-protected: snapshot first, protection off, then delete', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(protectedStack)
      .resolves({ Stacks: [{ ...protectedStack.Stacks[0]!, StackStatus: 'DELETE_COMPLETE' as const }] });
    cfn.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'Database',
          ResourceType: 'AWS::RDS::DBInstance',
          PhysicalResourceId: 'frag-demo-db',
          ResourceStatus: 'CREATE_COMPLETE',
          StackName: 'frag-demo',
          Timestamp: new Date(),
        },
      ],
    });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Database: { Type: 'AWS::RDS::DBInstance' } } }) });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'frag-demo-db' }] });
    rds.on(CreateDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'creating' } });
    rds
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [{ Status: 'creating' }] })
      .resolves({ DBSnapshots: [{ Status: 'available', SnapshotCreateTime: new Date() }] });
    const order: string[] = [];
    cfn.on(UpdateTerminationProtectionCommand).callsFake(() => (order.push('unprotect'), {}));
    cfn.on(DeleteStackCommand).callsFake(() => (order.push('delete'), {}));
    const ctx = testContext(SDK_MOCKED);
    // The application's stop step (the reference project's stop task) is proven in decommission-stop.test.ts and on moto.
    const r = await decommission(ctx, { forceProtected: true, noStop: true });
    assert.deepEqual(order, ['unprotect', 'delete']);
    assert.equal(cfn.commandCalls(UpdateTerminationProtectionCommand)[0]!.args[0].input.EnableTerminationProtection, false);
    assert.equal(r.snapshots.length, 1);
    assert.equal(r.snapshots[0]!.status, 'available');
    assert.equal(rds.commandCalls(DescribeDBSnapshotsCommand).length, 2, 'waited until available');
    assert.equal(ctx.io.confirms[0]!.typeToConfirm, 'demo');
  });
});

describe('commission on a failed stack', () => {
  it('explains ROLLBACK_COMPLETE with the reason and the --replace-failed command, creating nothing', async () => {
    const dir = lifecycleProject();
    try {
      process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
      cfn.on(DescribeStacksCommand).resolves({
        Stacks: [{ StackName: 'frag-demo', StackId: 'arn:1', StackStatus: 'ROLLBACK_COMPLETE' as const, CreationTime: new Date() }],
      });
      cfn.on(DescribeStackEventsCommand).resolves({
        StackEvents: [
          {
            EventId: 'x',
            StackId: 'arn:1',
            StackName: 'frag-demo',
            LogicalResourceId: 'Database',
            ResourceType: 'AWS::RDS::DBInstance',
            ResourceStatus: 'CREATE_FAILED' as const,
            ResourceStatusReason: 'quota exceeded',
            Timestamp: new Date(),
          },
        ],
      });
      const err = await commission(testContext({ ...SDK_MOCKED, dir }), { deploy: false }).catch((e: unknown) => e);
      assert.ok(err instanceof OperationError, String(err));
      assert.match(err.message, /ROLLBACK_COMPLETE/);
      assert.deepEqual(err.details, ['caused by Database (AWS::RDS::DBInstance): quota exceeded']);
      assert.match(err.hint ?? '', /commission --replace-failed/);
      assert.equal(cfn.commandCalls(CreateStackCommand).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('commission --replace-failed', () => {
  it('deletes the failed stack after confirmation, then creates it again', async () => {
    const dir = lifecycleProject();
    const ec2 = mockClient(EC2Client);
    try {
      process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
      const failed = { StackName: 'frag-demo', StackId: 'arn:old', StackStatus: 'ROLLBACK_COMPLETE' as const, CreationTime: new Date() };
      const order: string[] = [];
      cfn.on(DescribeStacksCommand, { StackName: 'frag-demo' }).resolves({ Stacks: [failed] });
      cfn
        .on(DescribeStacksCommand, { StackName: 'arn:old' })
        .resolves({ Stacks: [{ ...failed, StackStatus: 'DELETE_COMPLETE' as const }] });
      cfn.on(DescribeStacksCommand, { StackName: 'arn:new' }).resolves({
        Stacks: [
          {
            ...failed,
            StackId: 'arn:new',
            StackStatus: 'CREATE_COMPLETE' as const,
            Outputs: [{ OutputKey: 'AppUrl', OutputValue: 'http://x/' }],
          },
        ],
      });
      cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
      cfn.on(DeleteStackCommand).callsFake((input: { StackName: string }) => (order.push(`delete ${input.StackName}`), {}));
      cfn.on(CreateStackCommand).callsFake(() => (order.push('create'), { StackId: 'arn:new' }));
      // An image baked from the current inputs exists: no bake.
      const { imageInputsHash, HASH_TAG } = await import('../../../src/core/aws/image.js');
      const ctx = testContext({ ...SDK_MOCKED, dir });
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
      const r = await commission(ctx, { deploy: false, replaceFailed: true });
      assert.deepEqual(order, ['delete arn:old', 'create']);
      assert.match(ctx.io.confirms[0]!.message, /delete the failed stack frag-demo \(ROLLBACK_COMPLETE\)/);
      assert.equal(r.created, true);
      assert.equal(r.status, 'CREATE_COMPLETE');
      assert.equal(r.outputs.AppUrl, 'http://x/');
      const params = Object.fromEntries(
        (cfn.commandCalls(CreateStackCommand)[0]!.args[0].input.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]),
      );
      assert.equal(params.ImageId, 'ami-0000c0de');
    } finally {
      ec2.restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declined: the failed stack stays, nothing is created', async () => {
    const dir = lifecycleProject();
    try {
      process.env.FRAGCTL_DB_PASSWORD = 'not-a-real-password-1';
      cfn.on(DescribeStacksCommand).resolves({
        Stacks: [{ StackName: 'frag-demo', StackId: 'arn:old', StackStatus: 'ROLLBACK_COMPLETE' as const, CreationTime: new Date() }],
      });
      cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
      const err = await commission(testContext({ ...SDK_MOCKED, dir, answer: false }), { deploy: false, replaceFailed: true }).catch(
        (e: unknown) => e,
      );
      assert.ok(err instanceof DeclinedError, String(err));
      assert.equal(cfn.commandCalls(DeleteStackCommand).length + cfn.commandCalls(CreateStackCommand).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stack parameters', () => {
  it('a setting whose parameter no formation declares is refused before any call', async () => {
    const dir = lifecycleProject();
    try {
      const file = join(dir, 'formations', 'database.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('  DbAllocatedStorage: { Type: Number, Default: 20 }\n', '')
          .replace('!Ref DbAllocatedStorage', '20'),
      );
      const ctx = testContext({ ...SDK_MOCKED, dir });
      await assert.rejects(
        buildParameters(ctx, buildTemplate(dir), 'ami-00000001'),
        (e: unknown) => e instanceof UserError && /db_allocated_storage maps to stack parameter DbAllocatedStorage/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps the settings and the vault password (NoEcho), registered as a secret', async () => {
    process.env.FRAGCTL_DB_PASSWORD = 'hunter2-hunter2';
    const ctx = testContext(SDK_MOCKED);
    const p = await buildParameters(ctx, buildTemplate(ctx.project.paths.dir), 'ami-00000001');
    assert.equal(p.App, 'frag');
    assert.equal(p.Env, 'demo');
    assert.equal(p.ImageId, 'ami-00000001');
    assert.equal(p.AppServerMode, 'single');
    assert.equal(p.EnableWorkers, 'false');
    assert.equal(p.DbPassword, 'hunter2-hunter2');
    const { redact } = await import('../../../src/core/redact.js');
    assert.equal(redact('pw hunter2-hunter2'), 'pw ********');
  });
});

describe('throttling', () => {
  it('is retried by the SDK (adaptive mode) until CloudFormation answers', async () => {
    cfn.restore();
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.setHeader('content-type', 'text/xml');
        if (requests <= 2) {
          res.statusCode = 400;
          res.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>',
          );
          return;
        }
        res.end(
          '<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>frag-demo</StackName><StackId>arn:1</StackId><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></DescribeStacksResponse>',
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const ctx = testContext({ ...SDK_MOCKED, endpointUrl: `http://127.0.0.1:${port}` });
      const stack = await describeStack(ctx.aws, 'frag-demo');
      assert.equal(stack?.StackStatus, 'CREATE_COMPLETE');
      assert.equal(requests, 3, 'two throttled attempts, then success');
      assert.equal(ctx.aws.calls.get('CloudFormation.DescribeStacks'), 1, 'retries are not counted as calls');
    } finally {
      server.close();
    }
  });
});
