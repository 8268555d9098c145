/**
 * Before Ansible runs against new instances: wait until each host's SSH port opens and a login with
 * the project's key works (through the bastion where there is one), with backoff, up to
 * `aws.ssh_wait_timeout` seconds; then a clear error naming the host. Hosts Ansible reaches locally
 * are skipped, and so is every non-loopback address behind a local AWS endpoint: an emulator's
 * instance addresses are fake and are never connected to.
 */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { info } from '../io.js';
import { checkPrivateKey } from '../ansible/keys.js';
import type { AnsibleHost } from '../ansible/types.js';
import { backoff, sleep } from '../aws/sleep.js';
import { sshProbe, tcpProbe, type SshTarget } from '../../providers/shell/ssh.js';

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The hosts that would be probed: SSH hosts, minus an emulator's fake addresses. */
export function hostsToProbe(ctx: Pick<Context, 'aws'>, hosts: AnsibleHost[]): AnsibleHost[] {
  return hosts.filter((h) => h.connection !== 'local' && (!ctx.aws.isLocalEndpoint || LOOPBACK.test(h.address)));
}

export async function waitForSsh(ctx: Context, hosts: AnsibleHost[], opts: { timeoutSec?: number } = {}): Promise<void> {
  const probed = hostsToProbe(ctx, hosts);
  const skipped = hosts.filter((h) => h.connection !== 'local').length - probed.length;
  if (skipped)
    info(
      ctx.io,
      'ssh.wait.skip',
      `not waiting for SSH on ${skipped} host(s): their addresses come from a local AWS endpoint and do not exist`,
    );
  if (!probed.length) return;
  const timeoutSec = opts.timeoutSec ?? ctx.env.aws.ssh_wait_timeout;
  const progress = ctx.io.progress(`waiting for SSH on ${probed.map((h) => h.name).join(', ')} (up to ${timeoutSec}s)`);
  try {
    await Promise.all(probed.map((h) => waitForHost(ctx, h, timeoutSec)));
  } catch (e) {
    progress.fail();
    throw e;
  }
  progress.succeed(`SSH answers on ${probed.length} host(s)`);
}

function target(ctx: Context, h: AnsibleHost): SshTarget {
  const key = typeof h.vars?.ansible_ssh_private_key_file === 'string' ? h.vars.ansible_ssh_private_key_file : checkPrivateKey(ctx);
  const common = typeof h.vars?.ansible_ssh_common_args === 'string' ? h.vars.ansible_ssh_common_args : '';
  const proxy = /ProxyCommand="([^"]+)"/.exec(common)?.[1] ?? /ProxyCommand=(\S+)/.exec(common)?.[1];
  return {
    address: h.address,
    port: h.port ?? 22,
    user: h.user,
    privateKey: key,
    knownHostsFile: join(ctx.project.paths.state, 'known_hosts'),
    proxyCommand: proxy,
  };
}

async function waitForHost(ctx: Context, h: AnsibleHost, timeoutSec: number): Promise<void> {
  const t = target(ctx, h);
  const where = `${h.name} (${h.user ? `${h.user}@` : ''}${h.address}:${t.port}${t.proxyCommand ? ' through the bastion' : ''})`;
  const deadline = Date.now() + timeoutSec * 1000;
  const delay = backoff(Math.min(2000, Math.max(100, ctx.options.pollIntervalMs)));
  let why = 'no attempt';
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    // Without a bastion, the port first (cheap); then a real login, which also proves the key.
    why = (t.proxyCommand ? undefined : await tcpProbe(t.address, t.port ?? 22, Math.min(left, 5000))) ?? '';
    if (!why) {
      const budget = Math.max(1, Math.min(10, (deadline - Date.now()) / 1000));
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(budget * 1000 + 1000)]);
      const failed = await sshProbe(t, budget, signal);
      if (failed === undefined) return;
      why = failed;
    }
    if (ctx.signal.aborted) break;
    const wait = Math.min(delay(), deadline - Date.now());
    if (wait <= 0) break;
    await sleep(
      wait,
      ctx.signal,
      () =>
        new InterruptedError(`stopped waiting for SSH on ${where}`, {
          hint: 'the instance keeps running; run the command again to continue',
          code: 'WAIT_INTERRUPTED',
        }),
    );
  }
  if (ctx.signal.aborted)
    throw new InterruptedError(`stopped waiting for SSH on ${where}`, {
      hint: 'run the command again to continue',
      code: 'WAIT_INTERRUPTED',
    });
  throw new OperationError(`SSH on ${where} did not answer within ${timeoutSec}s: ${why}`, {
    hint: "check the security group (port 22 from here or the bastion), the key pair, and the instance's console output; raise aws.ssh_wait_timeout for slow boots",
    code: 'SSH_TIMEOUT',
  });
}
