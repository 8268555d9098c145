/** `fragctl <env> ssh <group>[/<n>]`: which host, with which key and address. */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { debug } from '../io.js';
import { hostOps } from '../platforms/index.js';
import { runSsh, type SshTarget } from '../../providers/shell/ssh.js';

export function parseHostSpec(spec: string): { group: string; index: number } {
  const m = /^([A-Za-z0-9_-]+)(?:\/(\d+))?$/.exec(spec);
  if (!m || (m[2] !== undefined && Number(m[2]) < 1)) {
    throw new UserError(`"${spec}" is not a host: expected <group> or <group>/<n> (n from 1)`, {
      hint: 'e.g. fragctl staging ssh app/2',
      code: 'USAGE',
    });
  }
  return { group: m[1]!, index: m[2] ? Number(m[2]) : 1 };
}

export async function sshTarget(ctx: Context, spec: string): Promise<SshTarget & { name: string }> {
  const { group, index } = parseHostSpec(spec);
  return hostOps(ctx).sshTarget(ctx, { group, index, knownHostsFile: join(ctx.project.paths.state, 'known_hosts') });
}

/** Opens an SSH session (or runs a command) on a host of a group; resolves ssh's exit code. */
export async function openSsh(ctx: Context, spec: string, command: string[]): Promise<number> {
  const target = await sshTarget(ctx, spec);
  debug(ctx.io, 'ssh.target', `ssh ${target.user ?? ''}@${target.address}:${target.port ?? 22} (${target.name})`);
  return runSsh(target, command);
}
