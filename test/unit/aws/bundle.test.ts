/** The boot script of the reference launch templates and the bundle's content: parsed by bash, named by content only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTemplate } from '../../../src/core/formations/index.js';
import { bundleHash, packBundle, playbookFiles, publicVars } from '../../../src/core/aws/bundle.js';
import { ROOT } from '../../helpers/cli.js';

/** The UserData script of a launch template, with the Fn::Sub names filled in as CloudFormation would. */
function bootScript(resource: string): string {
  const t = buildTemplate(ROOT, {}) as {
    Resources: Record<string, { Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': { 'Fn::Sub': string } } } } }>;
  };
  const sub = t.Resources[resource]!.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Sub'];
  return sub.replaceAll('${AWS::Region}', 'eu-west-1').replaceAll('${App}', 'frag').replaceAll('${Env}', 'staging');
}

for (const [resource, group, playbook] of [
  ['AppLaunchTemplate', 'app', 'app.yml'],
  ['WorkerLaunchTemplate', 'worker', 'worker.yml'],
] as const) {
  test(`${resource}: the boot script is valid bash that reads the bundle parameter and runs ${playbook} locally`, () => {
    const script = bootScript(resource);
    assert.doesNotMatch(script, /\$\{(?!AWS::)[A-Za-z]+\}/, 'no unresolved ${…} is left for CloudFormation to reject');
    const file = join(mkdtempSync(join(tmpdir(), 'fragctl-boot-')), 'boot.sh');
    writeFileSync(file, script);
    execFileSync('bash', ['-n', file]); // throws on a syntax error
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(script, /set -euo pipefail/);
    assert.match(script, /aws ssm get-parameter --region "eu-west-1" --name "\/frag\/staging\/bundle"/);
    assert.match(script, new RegExp(`printf '\\[${group}\\]\\\\nlocalhost ansible_connection=local`));
    assert.match(
      script,
      new RegExp(`ansible-playbook -c local -i "\\$WORK/inventory" -e "@\\$WORK/vars.yml" ${playbook.replace('.', '\\.')}$`, 'm'),
    );
  });
}

test('the bundle is named by content: same files, same hash; a changed byte, a new hash; vault passwords stay home', async () => {
  const files = playbookFiles(join(ROOT, 'playbooks'));
  assert.ok(files.some((f) => f.path === 'playbooks/app.yml'));
  assert.ok(!files.some((f) => /vault-password/.test(f.path)), 'the demo vault password file is left out');
  const same = playbookFiles(join(ROOT, 'playbooks'));
  assert.equal(bundleHash(files), bundleHash(same));
  assert.deepEqual(await packBundle(files), await packBundle(same), 'packing is reproducible');
  const changed = files.map((f) => (f.path === 'playbooks/app.yml' ? { ...f, data: Buffer.concat([f.data, Buffer.from('#')]) } : f));
  assert.notEqual(bundleHash(files), bundleHash(changed));
});

test('vars.yml keeps public variables and drops the ones whose names look secret', () => {
  assert.deepEqual(publicVars({ db_host: 'db', db_password: 'x', api_token: 'y', app_name: 'frag' }), { app_name: 'frag', db_host: 'db' });
});
