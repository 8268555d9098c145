/**
 * AWS stuck states: the stack in ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED or DELETE_FAILED, and
 * an image-builder instance left behind by a bake that did not finish. Each fix is checked by
 * reading the stack again once CloudFormation has settled.
 */
import type { Context } from '../context.js';
import type { LockHolder } from '../locks/types.js';
import type { FindingWithFix } from './types.js';
import { settledStatus } from './aws-settle.js';

export async function awsFindings(ctx: Context, liveHolder: LockHolder | undefined, notes: string[]): Promise<FindingWithFix[]> {
  const [cfn, { envStackName }] = await Promise.all([import('../../providers/aws/cloudformation.js'), import('../aws/stack.js')]);
  const name = envStackName(ctx);
  const env = ctx.env.name;
  const out: FindingWithFix[] = [];
  const stack = await cfn.describeStack(ctx.aws, name);
  const status = stack?.StackStatus;
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    out.push({
      code: 'stack.rollback-complete',
      subject: `stack ${name}`,
      problem: `${status}: the stack's creation failed and was rolled back${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}; it cannot be updated, only deleted`,
      fix: `delete it, then create it again: aws cloudformation delete-stack --stack-name ${name}; fragctl ${env} commission`,
      fixable: true,
      question: `Delete the failed stack ${name} (it holds no working resources) so that \`fragctl ${env} commission\` can create it again?`,
      apply: async () => {
        await cfn.deleteStack(ctx.aws, name);
        return `asked CloudFormation to delete ${name}`;
      },
      verify: async () => {
        const now = await settledStatus(ctx, name);
        return now === 'gone'
          ? { fixed: true, state: `${name} is deleted; now run: fragctl ${env} commission` }
          : { fixed: false, state: `${name} is ${now}` };
      },
    });
  } else if (status === 'UPDATE_ROLLBACK_FAILED') {
    const { rollbackFailedFinding } = await import('./aws-rollback.js');
    out.push(await rollbackFailedFinding(ctx, name));
  } else if (status === 'DELETE_FAILED') {
    const blocked = (await cfn.stackResources(ctx.aws, name)).filter((r) => r.ResourceStatus === 'DELETE_FAILED');
    const ids = blocked.map((r) => r.LogicalResourceId!).sort();
    const why = blocked.map(
      (r) => `${r.LogicalResourceId} ${r.PhysicalResourceId ?? ''} (${r.ResourceType}): ${r.ResourceStatusReason ?? 'no reason given'}`,
    );
    out.push({
      code: 'stack.delete-failed',
      subject: `stack ${name}`,
      problem: `DELETE_FAILED: ${why.length ? `blocked by ${why.join('; ')}` : (stack?.StackStatusReason ?? 'no reason given')}`,
      fix: `remove what blocks ${ids.join(', ') || 'the delete'} (see above), then delete again: aws cloudformation delete-stack --stack-name ${name}; or delete the stack keeping them: aws cloudformation delete-stack --stack-name ${name}${ids.length ? ` --retain-resources ${ids.join(' ')}` : ''} and remove them by hand`,
      fixable: true,
      question: `Delete ${name} again${ids.length ? `, KEEPING ${ids.join(', ')} in the account (you remove them by hand afterwards)` : ''}?`,
      apply: async () => {
        const { deleteStackRetaining } = await import('../../providers/aws/stack-repair.js');
        await deleteStackRetaining(ctx.aws, name, ids);
        return `asked CloudFormation to delete ${name} again${ids.length ? `; left in the account: ${blocked.map((r) => `${r.LogicalResourceId} ${r.PhysicalResourceId ?? ''}`.trim()).join(', ')}` : ''}`;
      },
      verify: async () => {
        const now = await settledStatus(ctx, name);
        return now === 'gone' ? { fixed: true, state: `${name} is deleted` } : { fixed: false, state: `${name} is ${now}` };
      },
    });
  }

  const { builderFindings } = await import('./aws-builders.js');
  if (liveHolder && /^(bake|commission|update)$/.test(liveHolder.verb)) {
    notes.push(`${env} is running ${liveHolder.verb} now (${liveHolder.who}): its image builder is left alone`);
  } else {
    out.push(...(await builderFindings(ctx, notes)));
  }
  return out;
}
