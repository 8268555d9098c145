import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { describeStack } from '../../providers/aws/cloudformation.js';
import { detectStackDrift, driftDetectionStatus, driftedResources, type ResourceDrift } from '../../providers/aws/drift.js';
import { preflight } from './preflight.js';
import { backoff, sleep } from './sleep.js';
import { envStackName } from './stack.js';

export interface DriftResult {
  stack: string;
  /** DRIFTED or IN_SYNC. */
  status: string;
  drifted: ResourceDrift[];
}

/**
 * Asks CloudFormation to compare the stack's resources with their template (DetectStackDrift),
 * waits for it (one DescribeStackDriftDetectionStatus per poll), then lists what drifted with
 * the expected and actual values of each property. Changes nothing.
 */
export async function detectDrift(ctx: Context): Promise<DriftResult> {
  const name = envStackName(ctx);
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack)
    throw new OperationError(`stack ${name} does not exist`, {
      hint: `create it with \`fragctl ${ctx.env.name} commission\``,
      code: 'STACK_MISSING',
    });
  const id = await detectStackDrift(ctx.aws, stack.StackId ?? name);
  const progress = ctx.io.progress(`detecting drift of ${name}`);
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const s = await driftDetectionStatus(ctx.aws, id);
    if (s.status === 'DETECTION_FAILED') {
      progress.fail(`drift detection of ${name} failed`);
      throw new OperationError(`drift detection of ${name} failed: ${s.reason ?? 'no reason given'}`, {
        hint: 'CloudFormation cannot check some resource types or lacks permission to read them; fix the cause named above and run drift again',
        code: 'DRIFT_FAILED',
      });
    }
    if (s.status === 'DETECTION_COMPLETE') {
      progress.succeed(`drift of ${name}: ${s.stackDrift ?? 'UNKNOWN'}`);
      const drifted = s.stackDrift === 'IN_SYNC' ? [] : await driftedResources(ctx.aws, stack.StackId ?? name);
      const status = drifted.length ? 'DRIFTED' : 'IN_SYNC';
      if (drifted.length) warn(ctx.io, 'stack.drifted', `${drifted.length} resource(s) of ${name} differ from the template`, { drifted });
      else success(ctx.io, 'stack.in-sync', `every resource of ${name} matches the template`);
      return { stack: name, status, drifted };
    }
    info(ctx.io, 'drift.wait', `drift detection ${s.status}`);
    await sleep(delay(), ctx.signal, () => {
      progress.fail(`stopped waiting for the drift detection of ${name}`);
      return new InterruptedError('stopped waiting: the drift detection goes on in CloudFormation (it changes nothing)', {
        hint: 'run drift again',
        code: 'WAIT_INTERRUPTED',
      });
    });
  }
}
