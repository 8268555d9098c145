import type { Context } from '../context.js';
import { InterruptedError } from '../errors.js';
import { backoff, sleep } from '../aws/sleep.js';

/** Waits until the stack is no longer *_IN_PROGRESS; returns its status then, or `gone`. */
export async function settledStatus(ctx: Context, stack: string): Promise<string> {
  const { describeStack } = await import('../../providers/aws/cloudformation.js');
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const now = await describeStack(ctx.aws, stack);
    const status = now?.StackStatus;
    if (!status || status === 'DELETE_COMPLETE') return 'gone';
    if (!status.endsWith('_IN_PROGRESS')) return status;
    await sleep(
      delay(),
      ctx.signal,
      () =>
        new InterruptedError(`stopped waiting for ${stack} (${status}); CloudFormation goes on`, {
          hint: `see where it ends with \`fragctl ${ctx.env.name} status\``,
          code: 'WAIT_INTERRUPTED',
        }),
    );
  }
}
