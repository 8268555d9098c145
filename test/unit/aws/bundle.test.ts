/**
 * The boot script of the reference launch templates and the bundle's content: parsed by bash, run
 * with the commands it calls recorded, named by content only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
      new RegExp(
        `ansible-playbook -c local -i "\\$WORK/inventory" -e "@\\$WORK/vars.yml" \\$VAULT_ARGS ${playbook.replace('.', '\\.')}$`,
        'm',
      ),
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

/**
 * Runs a boot script as an instance would, in a temporary root. Why shims: moto runs no user data,
 * and what is tested is the script's own logic; its `aws` and `ansible-playbook` are recorded.
 */
function runBoot(resource: string, opts: { vault?: string }): { log: string; calls: string[]; vaultSeen: string; work: string } {
  const root = mkdtempSync(join(tmpdir(), 'fragctl-boot-run-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  mkdirSync(join(root, 'tmp'));
  const bundle = join(root, 'bundle.tar.gz');
  execFileSync('tar', ['-czf', bundle, '-C', join(ROOT), 'playbooks/app.yml', 'playbooks/worker.yml']);
  const calls = join(root, 'calls');
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/bash
echo "aws $*" >>${calls}
case "$*" in
  *"--name /frag/staging/bundle"*|*'--name "/frag/staging/bundle"'*) echo s3://frag-bucket/bundles/b.tar.gz ;;
  *vault-password*) ${opts.vault === undefined ? 'echo "An error occurred (ParameterNotFound)" >&2; exit 254' : `printf '%s\\n' '${opts.vault}'`} ;;
  "s3 cp "*) cp ${bundle} "\${@: -1}" ;;
esac
`,
  );
  writeFileSync(
    join(bin, 'ansible-playbook'),
    `#!/bin/bash
echo "ansible-playbook $*" >>${calls}
for a in "$@"; do case "$a" in --vault-password-file) next=1 ;; *) if [ -n "\${next:-}" ]; then stat -c %a "$a" >${root}/vault-mode; cat "$a" >${root}/vault-seen; next=; fi ;; esac; done
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  chmodSync(join(bin, 'ansible-playbook'), 0o755);
  const script = bootScript(resource)
    .replaceAll('/var/log/fragctl-boot.log', join(root, 'boot.log'))
    .replaceAll('/var/tmp/', `${join(root, 'tmp')}/`);
  const file = join(root, 'boot.sh');
  writeFileSync(file, script);
  execFileSync('bash', [file], { env: { PATH: `${bin}:/usr/bin:/bin` } });
  const read = (f: string) => (existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : '');
  return {
    log: read('boot.log'),
    calls: read('calls').trim().split('\n'),
    vaultSeen: `${read('vault-mode').trim()} ${read('vault-seen')}`,
    work: join(root, 'tmp'),
  };
}

test('the boot script decrypts the vault with the SecureString, given to Ansible in a 0600 file that is gone afterwards', () => {
  const r = runBoot('AppLaunchTemplate', { vault: 'boot-vault-pw-5' });
  assert.ok(
    r.calls.some((c) => /^aws ssm get-parameter --region eu-west-1 --name \/frag\/staging\/vault-password --with-decryption/.test(c)),
    r.calls.join('\n'),
  );
  const play = r.calls.find((c) => c.startsWith('ansible-playbook'))!;
  assert.match(play, /--vault-password-file \S+\/\.vault-password app\.yml$/);
  assert.equal(r.vaultSeen, '600 boot-vault-pw-5\n');
  const left = execFileSync('find', [r.work, '-name', '.vault-password']).toString();
  assert.equal(left, '', 'the password file is removed when the script ends');
  assert.doesNotMatch(r.log, /boot-vault-pw-5/, 'the password is not in the boot log');
});

test('without the vault parameter the boot script still runs the play, and its log says why vault reads will fail', () => {
  const r = runBoot('WorkerLaunchTemplate', {});
  const play = r.calls.find((c) => c.startsWith('ansible-playbook'))!;
  assert.doesNotMatch(play, /--vault-password-file/);
  assert.match(play, /worker\.yml$/);
  assert.match(r.log, /no \/frag\/staging\/vault-password parameter: plays that read the vault will fail/);
});
