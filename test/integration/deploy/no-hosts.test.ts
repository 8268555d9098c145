/**
 * "No hosts matched" is not success, for the verbs that run a playbook on a local environment's
 * hosts: `run <task>` and `provision` whose play names a group the inventory lacks stop with one
 * line naming the pattern, exit 2, and nothing reaches the host (real ansible-playbook, one sshd
 * test host that would be changed if anything ran).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragctl } from '../../helpers/cli.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };

describe('a play that matches no host fails run and provision', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(1);
  });
  after(async () => ssh?.stop());

  // [verb line, playbook to edit, its hosts line, the typo]
  for (const [args, playbook, hosts, typo] of [
    [['run', 'pull'], 'tasks/pull.yml', 'hosts: app:knowledge:worker', 'webservers'],
    [['provision', '--role', 'app'], 'app.yml', 'hosts: app', 'appservers'],
  ] as const) {
    it(`${args.join(' ')} with a play on "${typo}": exit 2 naming it, nothing run on the host`, async () => {
      const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
      const file = join(dir, 'playbooks', playbook);
      writeFileSync(file, readFileSync(file, 'utf8').replace(hosts, `hosts: ${typo}`));
      const root = ssh.hosts[0]!.deployRoot;
      const before = filesUnder(root);
      const r = await fragctl(['lab', ...args, '--project-dir', dir, '--yes'], { env: VAULT });
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr.split('\n')[0]!, new RegExp(typo), r.stderr);
      assert.match(r.stderr, /hint:/);
      assert.doesNotMatch(r.stderr, /tag contract/, 'no AWS words for listed hosts');
      assert.doesNotMatch(`${r.stdout}${r.stderr}`, /✔|PLAY RECAP|TASK \[/, 'nothing reported as run');
      assert.deepEqual(filesUnder(root), before, 'the host is untouched');
    });
  }
});
