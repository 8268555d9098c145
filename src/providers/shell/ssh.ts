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

/** Whether a TCP connection to host:port opens within `timeoutMs`: undefined when it does, else why not. */
export async function tcpProbe(address: string, port: number, timeoutMs: number): Promise<string | undefined> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port });
    const done = (why?: string): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no TCP answer within ${Math.round(timeoutMs / 1000)}s`));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/**
 * One SSH login that runs `true` (key only, no prompt): undefined when it worked, else ssh's last
 * line. `ConnectTimeout` bounds the TCP connect and the SSH banner/handshake exchange.
 */
export async function sshProbe(t: SshTarget, timeoutSec: number, signal?: AbortSignal): Promise<string | undefined> {
  const args = [
    '-o',
    `ConnectTimeout=${Math.max(1, Math.ceil(timeoutSec))}`,
    '-o',
    'ConnectionAttempts=1',
    '-o',
    'LogLevel=ERROR',
    ...sshArgs(t, ['true']),
  ];
  const r = await exec(which('ssh'), args, { signal });
  if (r.exitCode === 0) return undefined;
  const last = `${r.stderr}`.trim().split('\n').pop() ?? '';
  return last || `ssh exited with ${r.exitCode}`;
}
