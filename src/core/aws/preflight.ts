import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { debug } from '../io.js';

/**
 * Checks every verb that talks to AWS makes before its first call: credentials can be found
 * (no call is made to find out), and, for verbs that reach hosts over SSH, the key file exists.
 */
export async function preflight(ctx: Context, opts: { needsKey?: boolean } = {}): Promise<void> {
  if (opts.needsKey) checkKeyFile(ctx);
  await ctx.aws.checkCredentials();
}

export function keyFile(ctx: Context): string {
  return join(ctx.project.paths.keys, `${ctx.env.settings.key_name}.pem`);
}

export function checkKeyFile(ctx: Context): void {
  if (ctx.env.aws.connection === 'local') return;
  const file = keyFile(ctx);
  if (!existsSync(file)) {
    throw new UserError(`SSH key keys/${ctx.env.settings.key_name}.pem is missing`, {
      hint: `put the private key of the EC2 key pair "${ctx.env.settings.key_name}" there (mode 0600), or set key_name in playbooks/group_vars/all.yml`,
      code: 'KEY_MISSING',
    });
  }
}

/** `--verbose`: the AWS API calls this run made, per operation. */
export function emitCallCounts(ctx: Context): void {
  const calls = [...ctx.aws.calls.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (!calls.length) return;
  const total = calls.reduce((n, [, c]) => n + c, 0);
  debug(ctx.io, 'aws.calls', `AWS API calls: ${total} (${calls.map(([k, c]) => `${k} ${c}`).join(', ')})`, { calls: Object.fromEntries(calls), total });
}

/** Records what a verb touched, for run records. */
export function touched(ctx: Context, message: string, data: Record<string, unknown>): void {
  ctx.io.emit({ level: 'debug', code: 'run.touched', message, data });
}
