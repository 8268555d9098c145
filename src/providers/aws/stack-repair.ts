/** The CloudFormation calls `doctor --fix` makes beyond those in cloudformation.ts, and nothing else. */
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

/** Continues an UPDATE_ROLLBACK_FAILED rollback, skipping resources that cannot be rolled back. */
export async function continueUpdateRollback(aws: AwsClients, stack: string, resourcesToSkip: string[]): Promise<void> {
  const { ContinueUpdateRollbackCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(
      new ContinueUpdateRollbackCommand({ StackName: stack, ...(resourcesToSkip.length ? { ResourcesToSkip: resourcesToSkip } : {}) }),
    );
  } catch (e) {
    throw awsError(`cannot continue the rollback of ${stack}`, e);
  }
}

/** Deletes a DELETE_FAILED stack, keeping (not deleting) the resources that blocked it. */
export async function deleteStackRetaining(aws: AwsClients, stack: string, retain: string[]): Promise<void> {
  const { DeleteStackCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await aws.cloudformation();
  try {
    await cfn.send(new DeleteStackCommand({ StackName: stack, ...(retain.length ? { RetainResources: retain } : {}) }));
  } catch (e) {
    throw awsError(`cannot delete stack ${stack}`, e);
  }
}
