/** drift with SDK-level mocks: moto implements none of DetectStackDrift and its status/result calls. */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { detectDrift } from '../../../src/core/aws/drift.js';
import { OperationError } from '../../../src/core/errors.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import driftVerb from '../../../src/cli/commands/drift.js';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

const stack = {
  Stacks: [{ StackName: 'frag-demo', StackId: 'arn:stack/frag-demo/1', StackStatus: 'CREATE_COMPLETE' as const, CreationTime: new Date() }],
};
const inProgress = {
  StackId: 'arn:stack/frag-demo/1',
  StackDriftDetectionId: 'd-1',
  DetectionStatus: 'DETECTION_IN_PROGRESS' as const,
  Timestamp: new Date(),
};

describe('drift', () => {
  it('waits for the detection (one call per poll) and lists drifted resources with expected and actual values', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack);
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolves({ ...inProgress, DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED', DriftedStackResourceCount: 1 });
    cfn.on(DescribeStackResourceDriftsCommand).resolves({
      StackResourceDrifts: [
        {
          StackId: 'arn:stack/frag-demo/1',
          LogicalResourceId: 'AppSecurityGroup',
          PhysicalResourceId: 'sg-1',
          ResourceType: 'AWS::EC2::SecurityGroup',
          StackResourceDriftStatus: 'MODIFIED',
          Timestamp: new Date(),
          PropertyDifferences: [
            {
              PropertyPath: '/SecurityGroupIngress/1',
              ExpectedValue: 'null',
              ActualValue: '{"CidrIp":"0.0.0.0/0","FromPort":22}',
              DifferenceType: 'ADD',
            },
          ],
        },
      ],
    });
    const ctx = testContext(SDK_MOCKED);
    const r = await detectDrift(ctx);
    assert.equal(r.status, 'DRIFTED');
    assert.deepEqual(
      r.drifted.map((d) => [d.logicalId, d.status, d.properties[0]!.path, d.properties[0]!.expected, d.properties[0]!.actual]),
      [['AppSecurityGroup', 'MODIFIED', '/SecurityGroupIngress/1', 'null', '{"CidrIp":"0.0.0.0/0","FromPort":22}']],
    );
    assert.equal(cfn.commandCalls(DetectStackDriftCommand)[0]!.args[0].input.StackName, 'arn:stack/frag-demo/1');
    assert.equal(cfn.commandCalls(DescribeStackDriftDetectionStatusCommand).length, 3, 'one status call per poll');
    assert.deepEqual(cfn.commandCalls(DescribeStackResourceDriftsCommand)[0]!.args[0].input.StackResourceDriftStatusFilters, [
      'MODIFIED',
      'DELETED',
    ]);
  });

  it('the drift verb prints a row per drifted property and exits 1', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack);
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolves({ ...inProgress, DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED' });
    cfn.on(DescribeStackResourceDriftsCommand).resolves({
      StackResourceDrifts: [
        {
          StackId: 'arn:1',
          LogicalResourceId: 'AppInstance',
          ResourceType: 'AWS::EC2::Instance',
          StackResourceDriftStatus: 'MODIFIED',
          Timestamp: new Date(),
          PropertyDifferences: [
            { PropertyPath: '/InstanceType', ExpectedValue: 't3.small', ActualValue: 't3.large', DifferenceType: 'NOT_EQUAL' },
          ],
        },
      ],
    });
    const printed: string[] = [];
    const ctx = testContext(SDK_MOCKED);
    const fakeRun = { global: { json: false }, io: { result: (s: string) => printed.push(s), json: () => undefined }, context: () => ctx };
    const code = await driftVerb.run(fakeRun as unknown as Parameters<typeof driftVerb.run>[0], {}, []);
    assert.equal(code, 1);
    assert.match(printed[0]!, /DRIFTED, 1 resource/);
    assert.match(printed[0]!, /AppInstance\s+AWS::EC2::Instance\s+MODIFIED\s+\/InstanceType\s+t3\.small\s+t3\.large/);
  });

  it('IN_SYNC: nothing drifted, no resource drift call', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack);
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolves({ ...inProgress, DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC' });
    const r = await detectDrift(testContext(SDK_MOCKED));
    assert.equal(r.status, 'IN_SYNC');
    assert.equal(r.drifted.length, 0);
    assert.equal(cfn.commandCalls(DescribeStackResourceDriftsCommand).length, 0);
  });

  it('a failed detection is a clear error with its reason', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack);
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
      ...inProgress,
      DetectionStatus: 'DETECTION_FAILED',
      DetectionStatusReason: 'Failed to detect drift on resource [Database]: access denied',
    });
    const err = await detectDrift(testContext(SDK_MOCKED)).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'DRIFT_FAILED', String(err));
    assert.match(err.message, /drift detection of frag-demo failed: .*Database.*access denied/);
  });

  it('no stack: a clear error, no detection started', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id frag-demo does not exist'), { name: 'ValidationError' }));
    const err = await detectDrift(testContext(SDK_MOCKED)).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError && err.code === 'STACK_MISSING', String(err));
    assert.equal(cfn.commandCalls(DetectStackDriftCommand).length, 0);
  });
});
