/** The SSM Parameter Store calls fragctl makes (where the current configuration bundle is), and nothing else. */
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(aws: AwsClients, name: string): Promise<string | undefined> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = await aws.ssm();
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if ((e as { name?: string }).name === 'ParameterNotFound') return undefined;
    throw awsError(`cannot read the SSM parameter ${name}`, e);
  }
}

/** Creates or overwrites a plain String parameter. */
export async function putParameter(aws: AwsClients, name: string, value: string, description: string): Promise<void> {
  const { PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = await aws.ssm();
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true, Description: description }));
  } catch (e) {
    throw awsError(`cannot write the SSM parameter ${name}`, e);
  }
}
