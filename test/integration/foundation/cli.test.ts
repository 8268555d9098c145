import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fragctl, copyProject } from '../../helpers/cli.js';
import { startMoto, type Moto } from '../../helpers/moto.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});

test('--help lists verbs and exit codes; --version prints the version', async () => {
  const help = await fragctl(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /fragctl \[options\] <env> <verb>/);
  assert.match(help.stdout, /template\s+Print the merged CloudFormation template/);
  assert.match(help.stdout, /130 interrupted/);
  const version = await fragctl(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')).version);
  const verbHelp = await fragctl(['template', '--help']);
  assert.equal(verbHelp.code, 0);
  assert.match(verbHelp.stdout, /--format <format>/);
  assert.match(verbHelp.stdout, /^Usage: fragctl <env> template \[options\]$/m); // <env> once, where it is typed
  const lockHelp = await fragctl(['demo', 'lock', '--help']);
  assert.match(lockHelp.stdout, /^Usage: fragctl demo lock \[options\] \[action\]$/m);
});

test('history and runs refuse a -n that is not a whole number of at least 1 (exit 2), rather than show 20 in silence', async () => {
  const dir = copyProject();
  for (const args of [
    ['runs', '-n', 'abc'],
    ['demo', 'history', '-n', '0'],
    ['demo', 'history', '--limit', '-3'],
    ['demo', 'history', '-n', '2.5', '--json'],
  ]) {
    const r = await fragctl(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /argument '.*' is invalid\. expected a whole number, 1 or more\./);
    assert.match(r.stderr, /hint: +see fragctl .*--help/);
  }
});

test('--dry-run on destroy and lock release is refused (exit 2) and removes nothing', async () => {
  const dir = copyProject();
  writeFileSync(
    join(dir, 'environments', 'lab.yml'),
    'platform: local\nlocal:\n  hosts:\n    - { name: web1, address: 127.0.0.2, port: 2222, groups: [app] }\n',
  );
  const root = join(dir, '.fragctl', 'hosts', 'web1');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'received'), 'x');
  const destroy = await fragctl(['lab', 'destroy', '--dry-run', '--yes', '--json'], { cwd: dir });
  assert.equal(destroy.code, 2, destroy.stderr);
  assert.equal(JSON.parse(destroy.stdout).error.code, 'USAGE');
  assert.match(destroy.stderr, /error: destroy has no dry run: with --dry-run it would still change lab/);
  assert.ok(existsSync(join(root, 'received')), 'destroy --dry-run removed the deploy root');
  const release = await fragctl(['lab', 'lock', 'release', '--force', '--dry-run', '--yes'], { cwd: dir });
  assert.equal(release.code, 2, release.stderr);
  assert.match(release.stderr, /error: lock release has no dry run/);
});

test('envs lists environments with platform and protection, as a table and as JSON', async () => {
  const dir = copyProject();
  const table = await fragctl(['envs'], { cwd: dir });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /production\s+aws\s+yes/);
  const json = await fragctl(['envs', '--json', '--project-dir', dir]);
  const parsed = JSON.parse(json.stdout) as { environments: Array<{ name: string; platform: string; protected: boolean }> };
  assert.deepEqual(
    parsed.environments.find((e) => e.name === 'production'),
    { name: 'production', platform: 'aws', protected: true, description: 'production on AWS', file: 'environments/production.yml' },
  );
});

test('a setting under an older name is a warning on stderr naming the fragctl setting', async () => {
  const dir = copyProject();
  const all = join(dir, 'playbooks', 'group_vars', 'all.yml');
  writeFileSync(
    all,
    readFileSync(all, 'utf8')
      .replace(/^aws_region: .*$/m, 'region: eu-west-1')
      .replace(/^ssh_user: .*$/m, 'remote_user: admin'),
  );
  const r = await fragctl(['qa', 'config', '--json', '--project-dir', dir]);
  writeFileSync(join(dir, 'environments', 'qa.yml'), '');
  const again = await fragctl(['qa', 'config', '--json', '--project-dir', dir]);
  for (const x of [r, again]) {
    assert.match(x.stderr, /playbooks\/group_vars\/all\.yml: region is not a fragctl setting: did you mean aws_region\?/);
    assert.match(x.stderr, /remote_user is not a fragctl setting: did you mean ssh_user\?/);
  }
  assert.equal((JSON.parse(again.stdout) as { settings: { region: string } }).settings.region, 'eu-west-1');
});

test('config shows effective settings with overrides and secrets redacted', async () => {
  const dir = copyProject();
  writeFileSync(
    join(dir, 'environments', 'qa.yml'),
    'settings:\n  app_desired_capacity: 3\n  app_max_size: 4\n  api_token: s3cr3t-value-123\n',
  );
  const r = await fragctl(['qa', 'config', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(r.stdout) as { settings: Record<string, unknown>; stack: string; platform: string };
  assert.equal(config.settings.app_desired_capacity, 3);
  assert.equal(config.settings.app_name, 'frag');
  assert.equal(config.stack, 'frag-qa');
  assert.equal(config.platform, 'aws');
  assert.equal(config.settings.api_token, '********');
  assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t-value-123/);
});

test('template writes JSON or YAML, byte-identical across runs', async () => {
  const dir = copyProject();
  const a = await fragctl(['demo', 'template'], { cwd: dir });
  const b = await fragctl(['demo', 'template'], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.ok(JSON.parse(a.stdout).Resources.Database);
  const out = join(dir, 'merged.yaml');
  const y = await fragctl(['demo', 'template', '--format', 'yaml', '--output', out], { cwd: dir });
  assert.equal(y.code, 0, y.stderr);
  assert.match(readFileSync(out, 'utf8'), /DependsOn|!Ref App/);
  assert.equal(y.stdout, '');
});

test('validate passes every local check and CloudFormation ValidateTemplate on the endpoint', async () => {
  const dir = copyProject();
  const r = await fragctl(['demo', 'validate', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.checks.map((c) => c.name),
    ['settings', 'template', 'cfn-lint', 'parameters', 'key', 'image playbook', 'ValidateTemplate'],
  );
});

test('validate fails with exit 1 when CloudFormation cannot be reached, naming the endpoint problem', async () => {
  const dir = copyProject();
  const r = await fragctl(['demo', 'validate', '--endpoint-url', 'http://127.0.0.1:9'], { cwd: dir, env: { AWS_MAX_ATTEMPTS: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /ValidateTemplate +FAIL +CloudFormation rejected the template: .*\n.*hint: the AWS endpoint cannot be reached/);
  // The local checks are still shown.
  assert.match(r.stdout, /template +ok/);
});

interface BadCase {
  name: string;
  mutate: (dir: string) => void;
  args: string[];
  message: RegExp;
}

const bad: BadCase[] = [
  {
    name: 'malformed YAML settings',
    mutate: (d) => writeFileSync(join(d, 'playbooks/group_vars/all.yml'), 'app_name: frag\n  bad: [\n'),
    args: ['demo', 'template'],
    message: /playbooks\/group_vars\/all\.yml:\d+:\d+: /,
  },
  {
    name: 'malformed JSON formation',
    mutate: (d) => writeFileSync(join(d, 'formations/extra.json'), '{"Resources": {'),
    args: ['demo', 'template'],
    message: /formations\/extra\.json:1:\d+: /,
  },
  { name: 'unknown environment', mutate: () => undefined, args: ['nowhere', 'template'], message: /unknown environment "nowhere"/ },
  {
    name: 'missing group_vars/all.yml',
    mutate: (d) => rmSync(join(d, 'playbooks/group_vars/all.yml')),
    args: ['demo', 'template'],
    message: /missing playbooks\/group_vars\/all\.yml/,
  },
  {
    name: 'missing app_name',
    mutate: (d) => writeFileSync(join(d, 'playbooks/group_vars/all.yml'), 'key_name: x\n'),
    args: ['demo', 'config'],
    message: /app_name is missing/,
  },
  {
    name: 'bad setting type',
    mutate: (d) => writeFileSync(join(d, 'environments/demo.yml'), 'settings:\n  app_min_size: many\n'),
    args: ['demo', 'config'],
    message: /environments\/demo\.yml \(settings\): app_min_size: /,
  },
  {
    name: 'unknown key in an environment file',
    mutate: (d) => writeFileSync(join(d, 'environments/demo.yml'), 'platfrom: aws\n'),
    args: ['demo', 'config'],
    message: /environments\/demo\.yml: platfrom: /,
  },
  {
    name: 'duplicated logical ID',
    mutate: (d) => writeFileSync(join(d, 'formations/dup.yaml'), 'Resources:\n  Database:\n    Type: AWS::SNS::Topic\n'),
    args: ['demo', 'template'],
    message: /logical ID Database in Resources is defined twice: in formations\/database\.yaml and in formations\/dup\.yaml/,
  },
  {
    name: 'dangling reference',
    mutate: (d) =>
      writeFileSync(
        join(d, 'formations/zz.yaml'),
        'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Nowhere\n',
      ),
    args: ['demo', 'template'],
    message: /formations\/zz\.yaml: Resources\.T\.Properties\.TopicName: Ref to unknown parameter or resource "Nowhere"/,
  },
  {
    name: 'unknown verb',
    mutate: () => undefined,
    args: ['demo', 'templat'],
    message: /unknown verb "templat"[\s\S]*did you mean "fragctl demo template"/,
  },
  { name: 'unknown option', mutate: () => undefined, args: ['demo', 'template', '--fromat', 'yaml'], message: /unknown option '--fromat'/ },
  {
    name: 'invalid environment name',
    mutate: () => undefined,
    args: ['Bad_Env', 'template'],
    message: /"Bad_Env" is not a valid environment name/,
  },
  {
    name: 'environment name too long',
    mutate: (d) => writeFileSync(join(d, 'environments/averyveryverylongenvironmentname.yml'), ''),
    args: ['averyveryverylongenvironmentname', 'config'],
    message: /too long/,
  },
  {
    name: 'empty formations folder',
    mutate: (d) => {
      rmSync(join(d, 'formations'), { recursive: true });
      mkdirSync(join(d, 'formations'));
    },
    args: ['demo', 'template'],
    message: /formations\/ holds no templates/,
  },
];

for (const c of bad) {
  test(`bad input: ${c.name} → one clear line, a hint, exit 2, nothing created`, async () => {
    const dir = copyProject();
    c.mutate(dir);
    const before = readdirSync(dir).sort();
    const r = await fragctl([...c.args, '--endpoint-url', moto.url], { cwd: dir });
    assert.equal(r.code, 2, `exit code for ${c.name}: ${r.stderr}`);
    assert.match(r.stderr, c.message);
    assert.match(r.stderr, /^hint: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing created in the project');
    assert.ok(!existsSync(join(dir, '.fragctl')));
  });
}

test('--json errors are a stable object on stdout', async () => {
  const r = await fragctl(['nowhere', 'template', '--json']);
  assert.equal(r.code, 2);
  const body = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string; exitCode: number } };
  assert.equal(body.error.code, 'ENV_UNKNOWN');
  assert.equal(body.error.exitCode, 2);
  assert.match(body.error.hint, /known environments: .*demo/);
});
