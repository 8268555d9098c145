import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { stackStatusCode } from '../error-codes.js';
import { describeStack, stackEventsSince, type Stack, type StackEvent } from '../../providers/aws/cloudformation.js';
import { backoff, sleep } from './sleep.js';
import { isFailure, isInProgress, runningWhat, SUCCESS, type StackOperation } from './states.js';

export interface WaitOptions {
  /** The stack's name, or its ID (needed to see DELETE_COMPLETE). */
  stack: string;
  operation: StackOperation;
  /** Events up to and including this one were already seen (or belong to an earlier operation). */
  sinceEventId?: string;
  /** Shown in messages: what the operator calls it. */
  label?: string;
}

export interface WaitResult {
  status: string;
  stack?: Stack;
  events: StackEvent[];
}

/** The newest event of a stack, so that a wait shows only what the next operation causes. */
export async function latestEventId(ctx: Context, stack: string): Promise<string | undefined> {
  const [newest] = (await stackEventsSince(ctx.aws, stack, undefined, 1)).slice(-1);
  return newest?.EventId;
}

/**
 * Waits for one stack operation: each poll is one DescribeStacks for the stack and one
 * DescribeStackEvents that pages only back to the last event seen. New events are streamed to
 * the operator as they arrive. Polls back off from ctx.options.pollIntervalMs. Ctrl-C stops the
 * waiting, never the operation.
 */
export async function waitForStack(ctx: Context, opts: WaitOptions): Promise<WaitResult> {
  const label = opts.label ?? opts.stack.replace(/^arn:.*:stack\/([^/]+)\/.*$/, '$1');
  const progress = ctx.io.progress(`${opts.operation} ${label}`);
  const delay = backoff(ctx.options.pollIntervalMs);
  const seen: StackEvent[] = [];
  let lastEventId = opts.sinceEventId;
  let status: string | undefined;
  let missing = 0;
  const interrupted = (): InterruptedError => {
    progress.fail(`stopped waiting for ${label}`);
    return new InterruptedError(`stopped waiting: ${runningWhat(opts.operation, status)} on AWS for stack ${label}`, {
      hint: `follow it with \`fragctl ${ctx.env.name} status --watch\``,
      code: 'WAIT_INTERRUPTED',
    });
  };

  for (;;) {
    if (ctx.signal.aborted) throw interrupted();
    const stack = await describeStack(ctx.aws, opts.stack);
    const fresh = await stackEventsSince(ctx.aws, opts.stack, lastEventId);
    for (const ev of fresh) {
      seen.push(ev);
      lastEventId = ev.EventId ?? lastEventId;
      ctx.io.emit({ level: 'info', code: 'stack.event', message: formatEvent(ev), data: { event: eventData(ev) } });
    }
    status = stack?.StackStatus;
    if (!stack && opts.operation !== 'delete' && ++missing <= 2) {
      // Right after CreateStack a lookup may not see the stack yet; give it two more polls.
      await sleep(delay(), ctx.signal, interrupted);
      continue;
    }
    if (!stack || (opts.operation === 'delete' && status === 'DELETE_COMPLETE')) {
      if (opts.operation === 'delete') {
        progress.succeed(`${label} deleted`);
        return { status: 'DELETE_COMPLETE', events: seen };
      }
      progress.fail();
      throw new OperationError(`stack ${label} disappeared while waiting for its ${opts.operation}`, { code: 'STACK_GONE' });
    }
    if (status && SUCCESS[opts.operation].includes(status)) {
      progress.succeed(`${label}: ${status}`);
      return { status, stack, events: seen };
    }
    if (status && !isInProgress(status) && (isFailure(status) || (opts.operation !== 'delete' && status.startsWith('DELETE_')))) {
      progress.fail(`${label}: ${status}`);
      throw stackFailure(ctx, label, stack, seen);
    }
    if (status && !isInProgress(status)) {
      // Settled in a state this operation does not lead to (someone else acted on the stack).
      progress.succeed(`${label}: ${status}`);
      return { status, stack, events: seen };
    }
    if (status) progress.update(`${label}: ${status}`);
    await sleep(delay(), ctx.signal, interrupted);
  }
}

/** The reasons of the failed resources, oldest first, without CloudFormation's "cancelled" noise. */
export function failureReasons(events: StackEvent[]): string[] {
  return events
    .filter((e) => /FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceStatusReason)
    .filter((e) => !/cancelled|canceled/i.test(e.ResourceStatusReason ?? '') || e.ResourceType === 'AWS::CloudFormation::Stack')
    .map((e) => `${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason}`);
}

export function stackFailure(ctx: Context, label: string, stack: Stack, events: StackEvent[]): OperationError {
  const status = stack.StackStatus ?? 'UNKNOWN';
  const reasons = failureReasons(events);
  const resourceReasons = reasons.filter((r) => !r.includes('AWS::CloudFormation::Stack'));
  const details = resourceReasons.length ? resourceReasons : reasons;
  const why = stack.StackStatusReason ? `: ${stack.StackStatusReason}` : '';
  return new OperationError(`stack ${label} is ${status}${why}`, {
    details: details.length ? details.map((r) => `caused by ${r}`) : [],
    hint: failureHint(ctx, status),
    code: stackStatusCode(status),
  });
}

function failureHint(ctx: Context, status: string): string {
  const env = ctx.env.name;
  if (status === 'ROLLBACK_COMPLETE' || status === 'CREATE_FAILED' || status === 'ROLLBACK_FAILED') {
    return `nothing usable was created; fix the cause, then \`fragctl ${env} commission --replace-failed\` deletes and recreates the stack`;
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE')
    return `the stack is back at its previous state; fix the cause and run \`fragctl ${env} update\` again`;
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return 'the rollback could not finish: fix the resources named above, then continue the rollback in the CloudFormation console (ContinueUpdateRollback)';
  }
  if (status === 'DELETE_FAILED')
    return `some resources could not be deleted (above); remove what blocks them and run \`fragctl ${env} decommission\` again`;
  return `see \`fragctl ${env} status\` for the stack's events`;
}

export function formatEvent(ev: StackEvent): string {
  const time = ev.Timestamp ? new Date(ev.Timestamp).toISOString().slice(11, 19) : '--:--:--';
  const reason = ev.ResourceStatusReason ? `  ${ev.ResourceStatusReason}` : '';
  return `${time}  ${ev.LogicalResourceId ?? '?'}  ${ev.ResourceType ?? ''}  ${ev.ResourceStatus ?? ''}${reason}`;
}

export function eventData(ev: StackEvent): Record<string, unknown> {
  return {
    id: ev.EventId,
    time: ev.Timestamp ? new Date(ev.Timestamp).toISOString() : undefined,
    logicalId: ev.LogicalResourceId,
    type: ev.ResourceType,
    status: ev.ResourceStatus,
    reason: ev.ResourceStatusReason,
  };
}
