/**
 * The SSM Parameter Store calls fragctl makes (where the current configuration bundle is, and the
 * vault password self-configuring instances decrypt their secrets with), and nothing else.
 */
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(aws: AwsClients, name: string, opts: { decrypt?: boolean } = {}): Promise<string | undefined> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = await aws.ssm();
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: opts.decrypt }))).Parameter?.Value;
  } catch (e) {
    if ((e as { name?: string }).name === 'ParameterNotFound') return undefined;
    throw awsError(`cannot read the SSM parameter ${name}`, e);
  }
}

/** Creates or overwrites a parameter: a plain String, or a SecureString (encrypted with the account's `aws/ssm` key). */
export async function putParameter(
  aws: AwsClients,
  name: string,
  value: string,
  description: string,
  opts: { secure?: boolean } = {},
): Promise<void> {
  const { PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = await aws.ssm();
  const Type = opts.secure ? 'SecureString' : 'String';
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type, Overwrite: true, Description: description }));
  } catch (e) {
    throw awsError(`cannot write the SSM parameter ${name}`, e);
  }
}
