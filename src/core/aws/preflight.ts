import type { Context } from '../context.js';
import { checkPrivateKey } from '../ansible/keys.js';
import { debug } from '../io.js';

/**
 * Checks every verb that talks to AWS makes before its first call: credentials can be found
 * (no call is made to find out), and, for verbs that reach hosts over SSH, the key file exists.
 */
export async function preflight(ctx: Context, opts: { needsKey?: boolean } = {}): Promise<void> {
  if (opts.needsKey) checkKeyFile(ctx);
  await ctx.aws.checkCredentials();
}

/** The key exists and is 0600, unless the hosts are folders on this machine. */
export function checkKeyFile(ctx: Context): void {
  if (ctx.env.aws.connection === 'local') return;
  checkPrivateKey(ctx);
}

/** `--verbose`: the AWS API calls this run made, per operation. */
export function emitCallCounts(ctx: Context): void {
  const calls = [...ctx.aws.calls.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (!calls.length) return;
  const total = calls.reduce((n, [, c]) => n + c, 0);
  debug(ctx.io, 'aws.calls', `AWS API calls: ${total} (${calls.map(([k, c]) => `${k} ${c}`).join(', ')})`, {
    calls: Object.fromEntries(calls),
    total,
  });
}

/** Records what a verb touched, for run records. */
export function touched(ctx: Context, message: string, data: Record<string, unknown>): void {
  ctx.io.emit({ level: 'debug', code: 'run.touched', message, data });
}
