/**
 * AWS stuck states: the stack in ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED or DELETE_FAILED, and
 * an image-builder instance left behind by a bake that did not finish.
 */
import type { Context } from '../context.js';
import type { LockHolder } from '../locks/types.js';
import type { FindingWithFix } from './types.js';

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
        return `deleted ${name}; now run: fragctl ${env} commission`;
      },
    });
  } else if (status === 'UPDATE_ROLLBACK_FAILED') {
    const failed = (await cfn.stackResources(ctx.aws, name)).filter((r) => r.ResourceStatus === 'UPDATE_FAILED');
    const skip = failed.map((r) => r.LogicalResourceId!).sort();
    const why = failed.map((r) => `${r.LogicalResourceId} (${r.ResourceType}): ${r.ResourceStatusReason ?? 'no reason given'}`);
    out.push({
      code: 'stack.update-rollback-failed',
      subject: `stack ${name}`,
      problem: `UPDATE_ROLLBACK_FAILED: an update failed and its rollback failed too${why.length ? `; failed: ${why.join('; ')}` : ''}`,
      fix: `continue the rollback${skip.length ? `, skipping ${skip.join(', ')}` : ''}: aws cloudformation continue-update-rollback --stack-name ${name}${skip.length ? ` --resources-to-skip ${skip.join(' ')}` : ''}; skipped resources keep their current state: check them, then fragctl ${env} update`,
      fixable: true,
      question: `Continue the rollback of ${name}${skip.length ? `, skipping ${skip.join(', ')} (CloudFormation marks them rolled back without changing them)` : ''}?`,
      apply: async () => {
        const { continueUpdateRollback } = await import('../../providers/aws/stack-repair.js');
        await continueUpdateRollback(ctx.aws, name, skip);
        return `rollback of ${name} continued${skip.length ? ` (skipped ${skip.join(', ')})` : ''}; watch it with fragctl ${env} status`;
      },
    });
  } else if (status === 'DELETE_FAILED') {
    const blocked = (await cfn.stackResources(ctx.aws, name)).filter((r) => r.ResourceStatus === 'DELETE_FAILED');
    const ids = blocked.map((r) => r.LogicalResourceId!).sort();
    const why = blocked.map((r) => `${r.LogicalResourceId} ${r.PhysicalResourceId ?? ''} (${r.ResourceType}): ${r.ResourceStatusReason ?? 'no reason given'}`);
    out.push({
      code: 'stack.delete-failed',
      subject: `stack ${name}`,
      problem: `DELETE_FAILED: ${why.length ? `blocked by ${why.join('; ')}` : stack?.StackStatusReason ?? 'no reason given'}`,
      fix: `remove what blocks ${ids.join(', ') || 'the delete'} (see above), then delete again: aws cloudformation delete-stack --stack-name ${name}; or delete the stack keeping them: aws cloudformation delete-stack --stack-name ${name}${ids.length ? ` --retain-resources ${ids.join(' ')}` : ''} and remove them by hand`,
      fixable: true,
      question: `Delete ${name} again${ids.length ? `, KEEPING ${ids.join(', ')} in the account (you remove them by hand afterwards)` : ''}?`,
      apply: async () => {
        const { deleteStackRetaining } = await import('../../providers/aws/stack-repair.js');
        await deleteStackRetaining(ctx.aws, name, ids);
        return `delete of ${name} started again${ids.length ? `; left in the account: ${blocked.map((r) => `${r.LogicalResourceId} ${r.PhysicalResourceId ?? ''}`.trim()).join(', ')}` : ''}`;
      },
    });
  }

  const [{ leftoverImageInstances }, { terminateInstances }] = await Promise.all([import('../aws/bake.js'), import('../../providers/aws/ec2.js')]);
  const builders = await leftoverImageInstances(ctx);
  if (builders.length) {
    const ids = builders.map((i) => i.InstanceId!).sort();
    if (liveHolder && /^(bake|commission|update)$/.test(liveHolder.verb)) {
      notes.push(`image-builder instance ${ids.join(', ')} belongs to the ${liveHolder.verb} running now (${liveHolder.who})`);
    } else {
      out.push({
        code: 'image.builder-left',
        subject: `instance ${ids.join(', ')}`,
        problem: `an image-builder instance (${builders[0]!.Tags?.find((t) => t.Key === 'Name')?.Value ?? 'image-builder'}) is left from a bake that did not finish; it costs money and holds nothing fragctl needs`,
        fix: `terminate it: aws ec2 terminate-instances --instance-ids ${ids.join(' ')} (or fragctl ${env} clean)`,
        fixable: true,
        question: `Terminate the leftover image-builder instance ${ids.join(', ')}?`,
        apply: async () => {
          await terminateInstances(ctx.aws, ids);
          return `terminated ${ids.join(', ')}`;
        },
      });
    }
  }
  return out;
}
