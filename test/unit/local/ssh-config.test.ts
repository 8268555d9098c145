import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSshConfig } from '../../../src/providers/shell/vagrant.js';
import { sshArgs } from '../../../src/providers/shell/ssh.js';
import { parseHostSpec } from '../../../src/core/hosts/ssh.js';

describe('vagrant ssh-config', () => {
  it('reads every Host block', () => {
    const hosts = parseSshConfig(`Host app
  HostName 127.0.0.1
  User vagrant
  Port 2222
  UserKnownHostsFile /dev/null
  IdentityFile "/home/me/.vagrant/machines/app/virtualbox/private_key"
  IdentitiesOnly yes

Host knowledge
  HostName 127.0.0.1
  User vagrant
  Port 2200
`);
    assert.deepEqual(hosts, [
      {
        name: 'app',
        address: '127.0.0.1',
        port: 2222,
        user: 'vagrant',
        identityFile: '/home/me/.vagrant/machines/app/virtualbox/private_key',
      },
      { name: 'knowledge', address: '127.0.0.1', port: 2200, user: 'vagrant' },
    ]);
  });
});

describe('ssh', () => {
  it('host specs', () => {
    assert.deepEqual(parseHostSpec('app'), { group: 'app', index: 1 });
    assert.deepEqual(parseHostSpec('app/3'), { group: 'app', index: 3 });
    assert.throws(() => parseHostSpec('app/0'), /not a host/);
    assert.throws(() => parseHostSpec('a b'), /not a host/);
  });
  it('arguments: key, port, jump, command', () => {
    assert.deepEqual(sshArgs({ address: '10.0.0.5', user: 'ubuntu', privateKey: '/k.pem', proxyCommand: 'ssh -W %h:%p b' }, ['uptime']), [
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      '/k.pem',
      '-o',
      'ProxyCommand=ssh -W %h:%p b',
      '-o',
      'BatchMode=yes',
      'ubuntu@10.0.0.5',
      '--',
      'uptime',
    ]);
  });
});
