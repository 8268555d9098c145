/** The CloudFormation calls fragctl makes, and nothing else. */
import { randomUUID } from 'node:crypto';
import type { AwsClients } from './clients.js';
import type { Stack, StackEvent, StackResource, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import { OperationError } from '../../core/errors.js';

export interface TemplateValidation {
  parameters: string[];
  capabilities: string[];
  description?: string;
}

export async function validateTemplate(aws: AwsClients, body: string): Promise<TemplateValidation> {
  const { ValidateTemplateCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new ValidateTemplateCommand({ TemplateBody: body }));
    return {
      parameters: (out.Parameters ?? []).map((p) => p.ParameterKey ?? '').filter(Boolean),
      capabilities: out.Capabilities ?? [],
      description: out.Description,
    };
  } catch (e) {
    throw awsError('CloudFormation rejected the template', e);
  }
}

/** Wraps an SDK error into an OperationError with a short reason. */
export function awsError(what: string, e: unknown): OperationError {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const reason = err.message?.split('\n')[0] ?? String(e);
  const connection = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|connect ETIMEDOUT/i.test(reason);
  return new OperationError(`${what}: ${reason}`, {
    hint: connection ? 'the AWS endpoint cannot be reached: check --endpoint-url / AWS_ENDPOINT_URL and your network' : undefined,
    code: connection ? 'AWS_UNREACHABLE' : `AWS_${err.name ?? 'ERROR'}`,
    cause: e,
  });
}

// ---- stack lifecycle ----

export type { Stack, StackEvent, StackResource };

/** True for the "stack does not exist" ValidationError CloudFormation returns for a missing stack. */
export function isMissingStack(e: unknown): boolean {
  const err = e as { name?: string; message?: string };
  return (err.name === 'ValidationError' || err.name === 'ValidationException') && /does not exist/i.test(err.message ?? '');
}

/** One stack by name or ID (never a list of every stack); undefined when there is none. */
export async function describeStack(aws: AwsClients, stack: string): Promise<Stack | undefined> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const found = out.Stacks?.[0];
    return found?.StackStatus === 'DELETE_COMPLETE' && !stack.startsWith('arn:') ? undefined : found;
  } catch (e) {
    if (isMissingStack(e)) return undefined;
    throw awsError(`cannot describe stack ${stack}`, e);
  }
}

/**
 * Events newer than `sinceEventId`, oldest first. Pages only until the last seen event, so a
 * poll costs one call when few events arrived. Without `sinceEventId`, only the first page.
 */
export async function stackEventsSince(aws: AwsClients, stack: string, sinceEventId?: string, maxPages = 5): Promise<StackEvent[]> {
  const { DescribeStackEventsCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    let out;
    try {
      out = await cfn.send(new DescribeStackEventsCommand({ StackName: stack, NextToken: token }));
    } catch (e) {
      if (isMissingStack(e)) return fresh.reverse();
      throw awsError(`cannot read the events of stack ${stack}`, e);
    }
    for (const ev of out.StackEvents ?? []) {
      if (sinceEventId !== undefined && ev.EventId === sinceEventId) return fresh.reverse();
      fresh.push(ev);
    }
    token = out.NextToken;
    if (!token || sinceEventId === undefined) break;
  }
  return fresh.reverse();
}

export interface StackInput {
  name: string;
  body: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  terminationProtection: boolean;
}

const toParameters = (p: Record<string, string>): Parameter[] => Object.entries(p).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
const toTags = (t: Record<string, string>): Tag[] => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));

export async function createStack(aws: AwsClients, input: StackInput): Promise<string> {
  const { CreateStackCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(
      new CreateStackCommand({
        StackName: input.name,
        TemplateBody: input.body,
        Parameters: toParameters(input.parameters),
        Tags: toTags(input.tags),
        EnableTerminationProtection: input.terminationProtection,
        OnFailure: 'ROLLBACK',
        // The same token on every retry: a request whose answer was lost is not done twice.
        ClientRequestToken: `fragctl-create-${randomUUID()}`,
      }),
    );
    return out.StackId ?? input.name;
  } catch (e) {
    throw awsError(`cannot create stack ${input.name}`, e);
  }
}

/** Returns false when CloudFormation says there is nothing to update. */
export async function updateStack(aws: AwsClients, input: Omit<StackInput, 'terminationProtection'>): Promise<boolean> {
  const { UpdateStackCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(new UpdateStackCommand({
        StackName: input.name,
        TemplateBody: input.body,
        Parameters: toParameters(input.parameters),
        Tags: toTags(input.tags),
        ClientRequestToken: `fragctl-update-${randomUUID()}`,
      }));
    return true;
  } catch (e) {
    if (/No updates are to be performed/i.test((e as Error).message ?? '')) return false;
    throw awsError(`cannot update stack ${input.name}`, e);
  }
}

export async function deleteStack(aws: AwsClients, stack: string): Promise<void> {
  const { DeleteStackCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(new DeleteStackCommand({ StackName: stack, ClientRequestToken: `fragctl-delete-${randomUUID()}` }));
  } catch (e) {
    throw awsError(`cannot delete stack ${stack}`, e);
  }
}

export async function setTerminationProtection(aws: AwsClients, stack: string, enabled: boolean): Promise<void> {
  const { UpdateTerminationProtectionCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: stack, EnableTerminationProtection: enabled }));
  } catch (e) {
    throw awsError(`cannot change termination protection of ${stack}`, e);
  }
}

/** The template the stack runs now, as CloudFormation stores it (the original body). */
export async function getTemplateBody(aws: AwsClients, stack: string): Promise<string> {
  const { GetTemplateCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }));
    return out.TemplateBody ?? '';
  } catch (e) {
    throw awsError(`cannot read the template of ${stack}`, e);
  }
}

export async function stackResources(aws: AwsClients, stack: string): Promise<StackResource[]> {
  const { DescribeStackResourcesCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stack }));
    return (out.StackResources ?? []).filter((r) => r.LogicalResourceId);
  } catch (e) {
    throw awsError(`cannot list the resources of ${stack}`, e);
  }
}

export interface ChangeSetInput {
  stack: string;
  name: string;
  body: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
}

export async function createChangeSet(aws: AwsClients, input: ChangeSetInput): Promise<string> {
  const { CreateChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    const out = await cfn.send(
      new CreateChangeSetCommand({
        StackName: input.stack,
        ChangeSetName: input.name,
        ChangeSetType: 'UPDATE',
        TemplateBody: input.body,
        Parameters: toParameters(input.parameters),
        Tags: toTags(input.tags),
      }),
    );
    return out.Id ?? input.name;
  } catch (e) {
    throw awsError(`cannot create a change set for ${input.stack}`, e);
  }
}

export interface ChangeSetView {
  status: string;
  reason?: string;
  executionStatus?: string;
  changes: Array<{ action: string; logicalId: string; type: string; replacement: string }>;
}

/** The change set with every page of its changes. */
export async function describeChangeSet(aws: AwsClients, stack: string, changeSet: string): Promise<ChangeSetView> {
  const { DescribeChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  const view: ChangeSetView = { status: 'UNKNOWN', changes: [] };
  let token: string | undefined;
  try {
    do {
      const out = await cfn.send(new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: changeSet, NextToken: token }));
      view.status = out.Status ?? 'UNKNOWN';
      view.reason = out.StatusReason;
      view.executionStatus = out.ExecutionStatus;
      for (const c of out.Changes ?? []) {
        const r = c.ResourceChange;
        if (!r) continue;
        view.changes.push({
          action: r.Action ?? '?',
          logicalId: r.LogicalResourceId ?? '?',
          type: r.ResourceType ?? '?',
          replacement: r.Replacement ?? (r.Action === 'Modify' ? 'Conditional' : '-'),
        });
      }
      token = out.NextToken;
    } while (token);
  } catch (e) {
    throw awsError(`cannot describe change set ${changeSet}`, e);
  }
  return view;
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
