import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { localHosts } from '../../../src/core/hosts/local-hosts.js';
import { envGroupName } from '../../../src/core/hosts/inventory.js';
import { projectPaths } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

const ctx = (local: unknown) =>
  ({ project: { paths: projectPaths('/ops') }, env: { name: 'lab', settings: { ssh_user: 'ubuntu' }, local } }) as never;

describe('local hosts', () => {
  it('static hosts are sandboxed by default, each in .fragctl/hosts/<name>; vars may opt out', async () => {
    const hosts = await localHosts(
      ctx({
        hosts: [
          { name: 'web1', address: '10.0.0.1', port: 22, groups: ['app'] },
          { name: 'real', address: '10.0.0.2', port: 2222, user: 'admin', groups: ['knowledge'], vars: { fragctl_sandbox: false } },
        ],
      }),
    );
    assert.deepEqual(hosts[0], {
      name: 'web1',
      address: '10.0.0.1',
      port: 22,
      user: 'ubuntu',
      groups: ['app'],
      connection: 'ssh',
      vars: { fragctl_sandbox: true, deploy_root: join('/ops', '.fragctl', 'hosts', 'web1') },
    });
    assert.deepEqual(hosts[1]?.vars, { fragctl_sandbox: false, deploy_root: '' });
    assert.equal(hosts[1]?.user, 'admin');
  });
  it('no hosts is a UserError naming the settings to add', async () => {
    await assert.rejects(
      localHosts(ctx({})),
      (e: unknown) => e instanceof UserError && /lists no hosts/.test(e.message) && /local.hosts/.test(e.hint ?? ''),
    );
  });
  it('the environment group never collides with a role group', () => {
    assert.equal(envGroupName('staging'), 'staging');
    assert.equal(envGroupName('dev-2'), 'dev_2');
    assert.equal(envGroupName('app'), 'env_app');
  });
});
