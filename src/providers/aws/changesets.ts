/** The CloudFormation change set calls fragctl makes: create, describe (with property values), execute, delete. */
import { randomUUID } from 'node:crypto';
import type { Capability, Change } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from './clients.js';
import { awsError, toParameters, toTags } from './cloudformation.js';

export interface ChangeSetInput {
  stack: string;
  name: string;
  /** UPDATE for a running stack; CREATE for a stack in REVIEW_IN_PROGRESS (a create change set never executed). */
  type: 'UPDATE' | 'CREATE';
  body: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  /** Only capabilities the operator acknowledged. */
  capabilities: string[];
}

export async function createChangeSet(aws: AwsClients, input: ChangeSetInput): Promise<string> {
  const { CreateChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(
      new CreateChangeSetCommand({
        StackName: input.stack,
        ChangeSetName: input.name,
        ChangeSetType: input.type,
        TemplateBody: input.body,
        Parameters: toParameters(input.parameters),
        Tags: toTags(input.tags),
        Capabilities: input.capabilities.length ? (input.capabilities as Capability[]) : undefined,
        ClientToken: `fragctl-cs-${randomUUID()}`,
      }),
    );
    return out.Id ?? input.name;
  } catch (e) {
    throw awsError(`cannot create a change set for ${input.stack}`, e);
  }
}

export interface PropertyChange {
  /** e.g. `Properties.InstanceType`, `Tags`. */
  path: string;
  before?: string;
  after?: string;
  /** Never, Conditionally, Always. */
  recreation?: string;
  /** DirectModification, ParameterReference, ResourceReference, ResourceAttribute, Automatic. */
  source?: string;
  /** The parameter or resource that causes it, when the source is a reference. */
  causingEntity?: string;
}

export interface ResourceChangeView {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
  physicalId?: string;
  properties: PropertyChange[];
}

export interface ChangeSetView {
  status: string;
  reason?: string;
  executionStatus?: string;
  stackId?: string;
  parameters: Record<string, string>;
  capabilities: string[];
  changes: ResourceChangeView[];
}

/** The change set with every page of its changes. */
export async function describeChangeSet(aws: AwsClients, stack: string, changeSet: string): Promise<ChangeSetView> {
  const { DescribeChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  const view: ChangeSetView = { status: 'UNKNOWN', parameters: {}, capabilities: [], changes: [] };
  let token: string | undefined;
  try {
    do {
      // IncludePropertyValues: the before/after value of every changed property, for the review.
      const out = await cfn.send(
        new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: changeSet, NextToken: token, IncludePropertyValues: true }),
      );
      view.status = out.Status ?? 'UNKNOWN';
      view.reason = out.StatusReason;
      view.executionStatus = out.ExecutionStatus;
      view.stackId = out.StackId;
      view.capabilities = out.Capabilities ?? [];
      view.parameters = Object.fromEntries((out.Parameters ?? []).map((p) => [p.ParameterKey ?? '?', p.ParameterValue ?? '']));
      for (const c of out.Changes ?? []) {
        const r = resourceChange(c);
        if (r) view.changes.push(r);
      }
      token = out.NextToken;
    } while (token);
  } catch (e) {
    throw awsError(`cannot describe change set ${changeSet}`, e);
  }
  return view;
}

function resourceChange(c: Change): ResourceChangeView | undefined {
  const r = c.ResourceChange;
  if (!r) return undefined;
  const properties: PropertyChange[] = [];
  for (const d of r.Details ?? []) {
    const t = d.Target;
    if (!t) continue;
    const path = t.Path ? t.Path.replace(/^\//, '').replace(/\//g, '.') : [t.Attribute, t.Name].filter(Boolean).join('.');
    properties.push({
      path: path || '?',
      before: t.BeforeValue,
      after: t.AfterValue,
      recreation: t.RequiresRecreation,
      source: d.ChangeSource,
      causingEntity: d.CausingEntity,
    });
  }
  return {
    action: r.Action ?? '?',
    logicalId: r.LogicalResourceId ?? '?',
    type: r.ResourceType ?? '?',
    replacement: r.Replacement ?? (r.Action === 'Modify' ? 'Conditional' : '-'),
    physicalId: r.PhysicalResourceId,
    properties,
  };
}

/** Executes the change set as computed; CloudFormation refuses one that is no longer EXECUTE_AVAILABLE. */
export async function executeChangeSet(aws: AwsClients, stack: string, changeSet: string): Promise<void> {
  const { ExecuteChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(
      new ExecuteChangeSetCommand({ StackName: stack, ChangeSetName: changeSet, ClientRequestToken: `fragctl-exec-${randomUUID()}` }),
    );
  } catch (e) {
    throw awsError(`cannot execute change set ${changeSet}`, e);
  }
}

export async function deleteChangeSet(aws: AwsClients, stack: string, changeSet: string): Promise<void> {
  const { DeleteChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(new DeleteChangeSetCommand({ StackName: stack, ChangeSetName: changeSet }));
  } catch (e) {
    throw awsError(`cannot delete change set ${changeSet}`, e);
  }
}
