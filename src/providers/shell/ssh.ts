/** The ssh invocation behind `fragctl <env> ssh`. */
import { exec, which } from './exec.js';

export interface SshTarget {
  address: string;
  port?: number;
  user?: string;
  privateKey?: string;
  knownHostsFile?: string;
  /** An ssh ProxyCommand for the bastion hop (it carries the key; ProxyJump would not). */
  proxyCommand?: string;
}

export function sshArgs(t: SshTarget, command: string[] = []): string[] {
  const args = ['-o', 'StrictHostKeyChecking=accept-new', '-o', 'IdentitiesOnly=yes'];
  if (t.knownHostsFile) args.push('-o', `UserKnownHostsFile=${t.knownHostsFile}`);
  if (t.privateKey) args.push('-i', t.privateKey);
  if (t.port && t.port !== 22) args.push('-p', String(t.port));
  if (t.proxyCommand) args.push('-o', `ProxyCommand=${t.proxyCommand}`);
  if (command.length) args.push('-o', 'BatchMode=yes');
  args.push(t.user ? `${t.user}@${t.address}` : t.address);
  if (command.length) args.push('--', ...command);
  return args;
}

/** Runs ssh on the operator's terminal (a session, or a command); resolves ssh's exit code. */
export async function runSsh(t: SshTarget, command: string[]): Promise<number> {
  const r = await exec(which('ssh'), sshArgs(t, command), { interactive: true });
  return r.exitCode;
}
