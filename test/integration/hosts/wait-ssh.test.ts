/**
 * Waiting for SSH before Ansible runs: real sshd hosts on 127.0.0.x answer (directly and through a
 * bastion); a port that accepts but never speaks SSH, and a closed port, end in a timeout naming the
 * host; an emulator's fake address is never connected to.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { freePort } from '../../helpers/moto.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { hostsToProbe, waitForSsh } from '../../../src/core/hosts/wait-ssh.js';
import type { AnsibleHost } from '../../../src/core/ansible/types.js';

describe('wait for SSH', () => {
  let ssh: SshHosts;
  let silent: Server;
  let silentPort: number;
  const sockets: Socket[] = [];
  const state = mkdtempSync(join(tmpdir(), 'fragctl-wait-ssh-'));
  const ctx = (): ReturnType<typeof testContext> =>
    testContext({
      ...SDK_MOCKED,
      patch: (c) => {
        c.project.paths.state = state;
      },
    });

  before(async () => {
    ssh = await startSshHosts(2, { firstOctet: 41 });
    silentPort = await freePort();
    // Accepts TCP connections and never sends an SSH banner (an instance whose sshd hangs).
    silent = createServer((s) => {
      sockets.push(s);
    });
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.43', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    silent?.close();
    await ssh?.stop();
  });

  const host = (name: string, address: string, port: number, vars: Record<string, unknown> = {}): AnsibleHost => ({
    name,
    address,
    port,
    user: ssh.hosts[0]!.user,
    groups: ['app'],
    connection: 'ssh',
    vars: { ansible_ssh_private_key_file: ssh.privateKey, ...vars },
  });

  it('returns once a login with the key works, and the host saw that login', async () => {
    const c = ctx();
    const [h] = ssh.hosts;
    await waitForSsh(c, [host('i-0aaa', h!.address, h!.port)], { timeoutSec: 10 });
    assert.match(readFileSync(h!.log, 'utf8'), /Accepted publickey for \S+ from 127\./);
    assert.equal(c.io.withCode('ssh.wait.skip').length, 0);
  });

  it('reaches a private host through the bastion', async () => {
    const [bastion, target] = ssh.hosts;
    const known = join(state, 'known_hosts');
    const jump = `-o ProxyCommand="ssh -i ${ssh.privateKey} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${known} -p ${bastion!.port} -W %h:%p ${bastion!.user}@${bastion!.address}"`;
    await waitForSsh(ctx(), [host('i-0bbb', target!.address, target!.port, { ansible_ssh_common_args: jump })], { timeoutSec: 10 });
    assert.match(readFileSync(target!.log, 'utf8'), /Accepted publickey/);
  });

  it('a port that never speaks SSH: a timeout error naming the host, quickly', async () => {
    const started = Date.now();
    await assert.rejects(
      waitForSsh(ctx(), [host('i-0silent', '127.0.0.43', silentPort)], { timeoutSec: 2 }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'SSH_TIMEOUT');
        assert.match(e.message, new RegExp(`^SSH on i-0silent \\(\\S+@127\\.0\\.0\\.43:${silentPort}\\) did not answer within 2s: `));
        return true;
      },
    );
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    assert.ok(sockets.length >= 1, 'the probe did connect to the silent port');
  });

  it('a closed port: the same error, with the refusal as the reason', async () => {
    const closed = await freePort();
    const started = Date.now();
    await assert.rejects(
      waitForSsh(ctx(), [host('i-0closed', '127.0.0.44', closed)], { timeoutSec: 1 }),
      /^OperationError: SSH on i-0closed \(\S+@127\.0\.0\.44:\d+\) did not answer within 1s: ECONNREFUSED$/,
    );
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  });

  it('behind a local AWS endpoint, non-loopback addresses are skipped and never contacted', async () => {
    const c = ctx(); // endpoint http://127.0.0.1:9: a local endpoint
    const fake = host('i-0fake', '54.1.2.3', 22);
    assert.deepEqual(hostsToProbe(c, [fake]), []);
    const started = Date.now();
    await waitForSsh(c, [fake, { ...fake, name: 'local', connection: 'local' }], { timeoutSec: 30 });
    assert.ok(Date.now() - started < 500);
    assert.match(c.io.withCode('ssh.wait.skip')[0]?.message ?? '', /not waiting for SSH on 1 host\(s\)/);
  });

  it('the timeout setting defaults to 300 s', () => {
    assert.equal(ctx().env.aws.ssh_wait_timeout, 300);
  });
});
