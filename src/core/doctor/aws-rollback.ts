/**
 * UPDATE_ROLLBACK_FAILED, as CloudFormation advises: first continue the rollback as is (the cause,
 * e.g. a database that was busy, is often gone by now); only when it fails again, offer to skip
 * the resources that still fail, each named with its reason, after its own confirmation.
 */
import type { Context } from '../context.js';
import { info } from '../io.js';
import type { FindingWithFix } from './types.js';
import { settledStatus } from './aws-settle.js';

export async function rollbackFailedFinding(ctx: Context, name: string): Promise<FindingWithFix> {
  const cfn = await import('../../providers/aws/cloudformation.js');
  const { continueUpdateRollback } = await import('../../providers/aws/stack-repair.js');
  const env = ctx.env.name;
  const failedNow = async () => (await cfn.stackResources(ctx.aws, name)).filter((r) => r.ResourceStatus === 'UPDATE_FAILED');
  const reasons = (rs: Awaited<ReturnType<typeof failedNow>>) =>
    rs.map((r) => `${r.LogicalResourceId} (${r.ResourceType}): ${r.ResourceStatusReason ?? 'no reason given'}`);
  const failed = await failedNow();
  const why = reasons(failed);
  return {
    code: 'stack.update-rollback-failed',
    subject: `stack ${name}`,
    problem: `UPDATE_ROLLBACK_FAILED: an update failed and its rollback failed too${why.length ? `; failed: ${why.join('; ')}` : ''}`,
    fix: `continue the rollback: aws cloudformation continue-update-rollback --stack-name ${name}; if it fails again, skip the resources that still fail (--resources-to-skip), which keep their current state: check them, then fragctl ${env} update`,
    fixable: true,
    question: `Continue the rollback of ${name} (retrying every resource first)?`,
    apply: async () => {
      await continueUpdateRollback(ctx.aws, name, []);
      const first = await settledStatus(ctx, name);
      if (first !== 'UPDATE_ROLLBACK_FAILED') return `continued the rollback of ${name}: ${first}`;
      const still = await failedNow();
      const skip = still.map((r) => r.LogicalResourceId!).sort();
      if (!skip.length) return `continued the rollback of ${name}; it failed again and names no failed resource`;
      info(
        ctx.io,
        'doctor.rollback-failed-again',
        [`the rollback of ${name} failed again; still failing:`, ...reasons(still).map((r) => `  - ${r}`)].join('\n'),
      );
      const ok = await ctx.io.confirm({
        message: `Skip ${skip.join(', ')} and finish the rollback? CloudFormation marks them rolled back without changing them: they keep their current state (${reasons(still).join('; ')})`,
      });
      if (!ok) return `continued the rollback of ${name}; it failed again and skipping ${skip.join(', ')} was declined`;
      await continueUpdateRollback(ctx.aws, name, skip);
      const second = await settledStatus(ctx, name);
      return `continued the rollback of ${name} skipping ${skip.join(', ')}: ${second}; check them, then fragctl ${env} update`;
    },
    verify: async () => {
      const now = await settledStatus(ctx, name);
      return { fixed: now === 'UPDATE_ROLLBACK_COMPLETE', state: `${name} is ${now}` };
    },
  };
}
