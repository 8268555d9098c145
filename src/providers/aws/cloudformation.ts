/** The CloudFormation calls fragctl makes, and nothing else. */
import { randomUUID } from 'node:crypto';
import type { AwsClients } from './clients.js';
import type { Capability, Stack, StackEvent, StackResource, Parameter, Tag } from '@aws-sdk/client-cloudformation';
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
  const connection = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|connect ETIMEDOUT/i.test(reason) || err.name === 'TimeoutError';
  // The SDK could not read the answer as AWS's: a proxy's error page, or an emulator without this call.
  const garbled = /XML parse|Deserialization error|mismatched tag|Unexpected token/i.test(reason);
  return new OperationError(`${what}: ${reason}`, {
    hint: connection
      ? 'the AWS endpoint cannot be reached: check --endpoint-url / AWS_ENDPOINT_URL and your network'
      : garbled
        ? 'the endpoint answered something that is not an AWS response: check --endpoint-url (an emulator may not support this call)'
        : 'this is the answer of AWS itself: check what it names, then run again (-v shows the calls made)',
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
  /** Acknowledged by the operator (CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND). */
  capabilities?: string[];
}

export const toParameters = (p: Record<string, string>): Parameter[] =>
  Object.entries(p).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
export const toTags = (t: Record<string, string>): Tag[] => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));

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
        Capabilities: input.capabilities?.length ? (input.capabilities as Capability[]) : undefined,
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
