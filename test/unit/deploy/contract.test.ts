import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractViolations } from '../../../src/core/deploy/contract.js';
import { translateLimit } from '../../../src/core/deploy/deploy.js';
import { playbookVars } from '../../../src/core/deploy/vars.js';
import type { InstanceFacts } from '../../../src/providers/aws/ec2-hosts.js';

const inst = (id: string, tags: Record<string, string>, state = 'running'): InstanceFacts => ({ instanceId: id, state, tags });
const full = (id: string, group: string, state?: string) =>
  inst(id, { Name: `frag-staging-${group}`, App: 'frag', Env: 'staging', Group: group }, state);

describe('tag contract', () => {
  it('passes a well-tagged environment', () => {
    assert.deepEqual(contractViolations('frag', 'staging', [full('i-1', 'app'), full('i-2', 'knowledge')], ['app', 'knowledge']), []);
  });
  it('names every instance that breaks it', () => {
    const problems = contractViolations(
      'frag',
      'staging',
      [
        full('i-1', 'app'),
        inst('i-2', { App: 'frag', Env: 'staging' }),
        full('i-3', 'knowledge', 'stopped'),
        inst('i-4', { Name: 'x', App: 'frag', Env: 'staging', Group: 'app' }),
      ],
      ['app', 'knowledge', 'broker'],
    );
    assert.deepEqual(problems, [
      'i-2 lacks the tags Name, Group',
      'i-3 (knowledge) is stopped',
      'i-4 has Name=x (expected frag-staging-app)',
      'group broker has no hosts',
    ]);
  });
});

describe('--limit', () => {
  const hosts = [
    { name: 'i-1', address: 'a', groups: ['app'], vars: { ec2_name: 'frag-staging-app' } },
    { name: 'i-2', address: 'b', groups: ['app'], vars: { ec2_name: 'frag-staging-app' } },
    { name: 'i-3', address: 'c', groups: ['knowledge'], vars: { ec2_name: 'frag-staging-knowledge' } },
  ];
  it('turns a Name tag into the instance IDs and keeps patterns', () => {
    assert.equal(translateLimit(hosts, 'frag-staging-app'), 'i-1,i-2');
    assert.equal(translateLimit(hosts, 'knowledge,i-1'), 'knowledge,i-1');
    assert.equal(translateLimit(hosts, 'app:!i-2'), 'app:!i-2');
  });
  it('refuses a plain name that matches nothing', () => assert.throws(() => translateLimit(hosts, 'i-9'), /matches no host/));
});

describe('playbook variables', () => {
  it('come from the settings and the stack outputs', () => {
    const ctx = {
      project: { sharedRaw: {} },
      env: { name: 'staging', settings: { app_name: 'frag', db_name: 'frag', db_user: 'fraguser' } },
    } as never;
    assert.deepEqual(playbookVars(ctx, { DatabaseEndpoint: 'db.example', AppUrl: 'http://lb/', KnowledgeHost: '10.0.0.5' }), {
      app_name: 'frag',
      env_name: 'staging',
      db_host: 'db.example',
      db_port: 5432,
      db_name: 'frag',
      db_user: 'fraguser',
      app_url: 'http://lb/',
      knowledge_host: '10.0.0.5',
      broker_host: '',
    });
    assert.equal((playbookVars(ctx, undefined) as { db_host: string }).db_host, '');
  });
  it("carry every effective setting, keys fragctl does not know included, with the environment's overrides", () => {
    // all.yml says type: prod; the environment's settings say type: demo (env.settings holds the merge)
    const ctx = {
      project: { sharedRaw: { app_name: 'frag', type: 'prod', nginx_workers: 4 } },
      env: {
        name: 'demo',
        settings: { app_name: 'frag', type: 'demo', nginx_workers: 4, db_name: 'app', db_user: 'app', ssh_user: 'ubuntu' },
      },
    } as never;
    const vars = playbookVars(ctx, undefined) as Record<string, unknown>;
    assert.equal(vars.type, 'demo');
    assert.equal(vars.nginx_workers, 4);
    assert.equal(vars.ssh_user, 'ubuntu');
    assert.equal(vars.env_name, 'demo');
  });
});
