import type { Context } from '../context.js';
import { info, warn } from '../io.js';
import { setTerminationProtection, type Stack } from '../../providers/aws/cloudformation.js';
import { touched } from './preflight.js';

/**
 * A protected environment's stack has termination protection on. CreateStack sets it; a stack
 * found without it (created before the environment was marked protected) gets it turned on.
 */
export async function ensureProtection(ctx: Context, stack: Stack): Promise<boolean> {
  if (!ctx.env.protected || stack.EnableTerminationProtection || ctx.options.dryRun) return false;
  const name = stack.StackName ?? stack.StackId ?? '?';
  await setTerminationProtection(ctx.aws, stack.StackId ?? name, true);
  touched(ctx, `turned termination protection on for ${name}`, { stackId: stack.StackId });
  info(ctx.io, 'stack.protect', `termination protection turned on for ${name} (${ctx.env.name} is a protected environment)`);
  return true;
}

/** Turns termination protection off just before a delete the operator forced with --force-protected. */
export async function dropProtectionForDelete(ctx: Context, stack: Stack): Promise<void> {
  if (!stack.EnableTerminationProtection) return;
  const name = stack.StackName ?? stack.StackId ?? '?';
  warn(ctx.io, 'stack.unprotect', `turning termination protection off for ${name} (--force-protected)`);
  await setTerminationProtection(ctx.aws, stack.StackId ?? name, false);
  touched(ctx, `turned termination protection off for ${name}`, { stackId: stack.StackId });
}
