/** The CloudFormation drift detection calls fragctl makes. */
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export async function detectStackDrift(aws: AwsClients, stack: string): Promise<string> {
  const { DetectStackDriftCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new DetectStackDriftCommand({ StackName: stack }));
    if (!out.StackDriftDetectionId) throw new Error('CloudFormation returned no detection ID');
    return out.StackDriftDetectionId;
  } catch (e) {
    throw awsError(`cannot start drift detection on ${stack}`, e);
  }
}

export interface DriftDetectionStatus {
  /** DETECTION_IN_PROGRESS, DETECTION_COMPLETE, DETECTION_FAILED. */
  status: string;
  reason?: string;
  /** DRIFTED, IN_SYNC, NOT_CHECKED, UNKNOWN. */
  stackDrift?: string;
  driftedResources?: number;
}

export async function driftDetectionStatus(aws: AwsClients, detectionId: string): Promise<DriftDetectionStatus> {
  const { DescribeStackDriftDetectionStatusCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }));
    return {
      status: out.DetectionStatus ?? 'UNKNOWN',
      reason: out.DetectionStatusReason,
      stackDrift: out.StackDriftStatus,
      driftedResources: out.DriftedStackResourceCount,
    };
  } catch (e) {
    throw awsError(`cannot read drift detection ${detectionId}`, e);
  }
}

export interface ResourceDrift {
  logicalId: string;
  type: string;
  physicalId?: string;
  /** MODIFIED or DELETED. */
  status: string;
  properties: Array<{ path: string; expected?: string; actual?: string; difference?: string }>;
}

/** The resources that drifted (modified or deleted), every page. */
export async function driftedResources(aws: AwsClients, stack: string): Promise<ResourceDrift[]> {
  const { DescribeStackResourceDriftsCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  const found: ResourceDrift[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await cfn.send(
        new DescribeStackResourceDriftsCommand({
          StackName: stack,
          StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
          NextToken: token,
        }),
      );
      for (const d of out.StackResourceDrifts ?? []) {
        found.push({
          logicalId: d.LogicalResourceId ?? '?',
          type: d.ResourceType ?? '?',
          physicalId: d.PhysicalResourceId,
          status: d.StackResourceDriftStatus ?? '?',
          properties: (d.PropertyDifferences ?? []).map((p) => ({
            path: p.PropertyPath ?? '?',
            expected: p.ExpectedValue,
            actual: p.ActualValue,
            difference: p.DifferenceType,
          })),
        });
      }
      token = out.NextToken;
    } while (token);
  } catch (e) {
    throw awsError(`cannot read the drift of ${stack}`, e);
  }
  return found;
}
