/** The bastion hop fragctl builds (ProxyCommand with the project's key) over two real sshd hosts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { bastionProxyCommand } from '../../../src/core/deploy/connection.js';
import { projectPaths } from '../../../src/core/config/project.js';
import { sshArgs } from '../../../src/providers/shell/ssh.js';

describe('bastion connection', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(2);
  });
  after(async () => ssh?.stop());

  it('reaches the private host through the bastion with the same key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-bastion-'));
    mkdirSync(join(dir, 'keys'));
    mkdirSync(join(dir, '.fragctl'));
    copyFileSync(ssh.privateKey, join(dir, 'keys', 'frag-deploy.pem'));
    chmodSync(join(dir, 'keys', 'frag-deploy.pem'), 0o600);
    const [bastion, target] = ssh.hosts;
    const ctx = {
      project: { paths: projectPaths(dir) },
      env: {
        settings: { key_name: 'frag-deploy' },
        aws: { bastion: { host: bastion!.address, user: bastion!.user, port: bastion!.port } },
      },
    } as never;
    const proxyCommand = bastionProxyCommand(ctx);
    const out = execFileSync(
      'ssh',
      sshArgs(
        {
          address: target!.address,
          port: target!.port,
          user: target!.user,
          privateKey: join(dir, 'keys', 'frag-deploy.pem'),
          knownHostsFile: join(dir, '.fragctl', 'known_hosts'),
          proxyCommand,
        },
        ['echo', '$SSH_CONNECTION'],
      ),
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // the target saw the connection arrive for its own address, forwarded by the bastion
    assert.match(out, new RegExp(`^\\S+ \\d+ ${target!.address.replace(/\./g, '\\.')} ${target!.port}\\n$`));
    assert.match(readFileSync(bastion!.log, 'utf8'), /Accepted publickey for \S+ from/);
    assert.match(readFileSync(target!.log, 'utf8'), /Accepted publickey for \S+ from/);
    // both host keys were recorded in the project's own known_hosts (accept-new), not the user's
    assert.equal(
      readFileSync(join(dir, '.fragctl', 'known_hosts'), 'utf8')
        .trim()
        .split('\n').length,
      2,
    );
  });
});
