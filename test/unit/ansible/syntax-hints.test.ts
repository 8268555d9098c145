import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectionFor, playbookError, removedKeyword } from '../../../src/core/ansible/syntax-hints.js';

describe('Ansible parse errors', () => {
  it('name the replacement of a removed keyword', () => {
    assert.equal(removedKeyword("'sudo' is not a valid attribute for a Play"), 'sudo');
    assert.equal(removedKeyword('conflicting action statements: debug, sudo_user'), 'sudo_user');
    assert.equal(removedKeyword('conflicting action statements: debug, always_run'), 'always_run');
    assert.equal(removedKeyword("'include' is not a valid attribute for a Play"), 'include');
    const e = playbookError(
      'playbooks/image.yml',
      "[ERROR]: 'sudo' is not a valid attribute for a Play\nOrigin: /p/playbooks/image.yml:2:3\n",
      "'sudo' is not a valid attribute for a Play",
      'x',
    );
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, 'playbook playbooks/image.yml uses `sudo:`, which Ansible removed (/p/playbooks/image.yml:2:3)');
    assert.match(e.hint ?? '', /become: true/);
  });

  it('name the collection of a module Ansible cannot resolve', () => {
    assert.equal(collectionFor('postgresql_user', ''), 'community.postgresql');
    assert.equal(collectionFor('sysctl', ''), 'ansible.posix');
    assert.equal(collectionFor('community.general.ufw', ''), 'community.general');
    assert.equal(collectionFor('whatever', "[WARNING]: Error loading plugin 'acme.tools.whatever': No module"), 'acme.tools');
    const line =
      "couldn't resolve module/action 'postgresql_user'. This often indicates a misspelling, missing collection, or incorrect module path.";
    const e = playbookError('playbooks/db.yml', line, line, 'x');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /cannot find the module postgresql_user \(collection community\.postgresql, not installed\)/);
    assert.match(e.hint ?? '', /ansible-galaxy collection install community\.postgresql/);
  });
});
