/** The CloudFormation calls fragctl makes, and nothing else. */
import type { AwsClients } from './clients.js';
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
