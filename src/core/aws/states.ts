/** How fragctl reads every CloudFormation stack status. */
export type StackOperation = 'create' | 'update' | 'delete';

export const SUCCESS: Record<StackOperation, string[]> = {
  create: ['CREATE_COMPLETE'],
  update: ['UPDATE_COMPLETE'],
  delete: ['DELETE_COMPLETE'],
};

/** A stack that runs and can be updated. */
export const HEALTHY = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE'];
/** A failed create: the stack holds nothing useful and must be deleted before it can be created again. */
export const FAILED_CREATE = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED'];

export const isInProgress = (status: string): boolean => status.endsWith('_IN_PROGRESS');

/**
 * Failure states: CREATE_FAILED, ROLLBACK_*, UPDATE_ROLLBACK_*, DELETE_FAILED, UPDATE_FAILED,
 * IMPORT_ROLLBACK_*. (In-progress rollbacks are still progress; the wait ends at their terminal state.)
 */
export function isFailure(status: string): boolean {
  if (isInProgress(status)) return false;
  return /_FAILED$/.test(status) || /ROLLBACK/.test(status);
}

/** What is still running on AWS, for an interrupted wait. */
export function runningWhat(op: StackOperation, status: string | undefined): string {
  const verb = { create: 'creation', update: 'update', delete: 'deletion' }[op];
  return status ? `the ${verb} goes on (${status})` : `the ${verb} goes on`;
}
