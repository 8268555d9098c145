/** Issue 11: stack parameters are mapped (formation_parameters), not imposed, and checked before anything is created. */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildParameters, PLACEHOLDER_IMAGE } from '../../../src/core/aws/parameters.js';
import { checkParameterValue } from '../../../src/core/aws/parameter-checks.js';
import { desiredTemplate } from '../../../src/core/aws/stack.js';
import { UserError } from '../../../src/core/errors.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

const LEGACY = join(ROOT, 'test', 'fixtures', 'legacy-aws');

function legacyCopy(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-legacy-'));
  cpSync(LEGACY, dir, { recursive: true });
  edit?.(dir);
  return dir;
}
const editFile = (dir: string, rel: string, fn: (s: string) => string): void =>
  writeFileSync(join(dir, rel), fn(readFileSync(join(dir, rel), 'utf8')));

async function refusal(dir: string, env = 'demo'): Promise<UserError> {
  const ctx = testContext({ ...SDK_MOCKED, dir, env });
  try {
    await buildParameters(ctx, desiredTemplate(ctx).template, PLACEHOLDER_IMAGE);
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

describe('stack parameters of a project with its own names', () => {
  beforeEach(() => (process.env.FRAGCTL_DB_PASSWORD = 'correct-horse-battery'));
  afterEach(() => delete process.env.FRAGCTL_DB_PASSWORD);

  it("passes fragctl's values under the template's names and leaves Defaults alone", async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir: LEGACY, env: 'demo' });
    const p: Record<string, string> = await buildParameters(ctx, desiredTemplate(ctx).template, 'ami-0123abcd');
    assert.deepEqual(p, {
      AppName: 'legacy',
      EnvironmentName: 'demo',
      AppImageAMI: 'ami-0123abcd',
      KeyName: 'legacy-deploy',
      DBUser: 'legacy',
      DBPassword: 'correct-horse-battery',
    });
    // Not imposed: no db.t3.micro, t3.small, DbName=app or 20 GB where the template has its own Defaults.
    for (const k of ['DBInstanceClass', 'DBAllocatedStorage', 'DBName', 'AppInstanceType', 'App', 'Env', 'ImageId'])
      assert.equal(Object.hasOwn(p, k), false, k);
  });

  it('a setting the environment writes is passed, renamed', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir: LEGACY, env: 'production' });
    const p = await buildParameters(ctx, desiredTemplate(ctx).template, 'ami-0123abcd');
    assert.equal(p.DBInstanceClass, 'db.m3.medium');
    assert.equal(p.DBAllocatedStorage, '100');
  });

  it('the reference project: a Default is kept when no setting is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-ref-'));
    for (const part of ['formations', 'playbooks', 'environments']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    editFile(dir, 'playbooks/group_vars/all.yml', (s) =>
      s.replace(/^db_instance_class: .*\n/m, '').replace(/^db_allocated_storage: .*\n/m, ''),
    );
    const ctx = testContext({ ...SDK_MOCKED, dir });
    const p = await buildParameters(ctx, desiredTemplate(ctx).template, 'ami-0123abcd');
    assert.equal(p.DbInstanceClass, undefined);
    assert.equal(p.DbAllocatedStorage, undefined);
    assert.equal(p.App, 'frag');
  });

  it('a setting outside AllowedValues names the parameter, the value, the setting and its file', async () => {
    const dir = legacyCopy((d) => editFile(d, 'environments/staging.yml', (s) => s.replace('db.t2.small', 'db.t3.micro')));
    const e = await refusal(dir, 'staging');
    assert.equal(
      e.message,
      'stack parameter DBInstanceClass = "db.t3.micro" from setting db_instance_class in environments/staging.yml is not one of its AllowedValues: db.t2.micro, db.t2.small, db.m3.medium (declared in formations/database.json)',
    );
    assert.equal(e.hint, 'change db_instance_class in environments/staging.yml to one of db.t2.micro, db.t2.small, db.m3.medium');
    assert.equal(e.exitCode, 2);
  });

  it("a rolling update whose minimum reaches the group's maximum, with the environment's values: named before anything is created", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-ref-'));
    for (const part of ['formations', 'playbooks', 'environments']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    // min = max = desired passes the settings' own rule (min ≤ desired ≤ max); CloudFormation still could not roll.
    writeFileSync(
      join(dir, 'environments', 'staging.yml'),
      'platform: aws\nsettings:\n  app_min_size: 2\n  app_desired_capacity: 2\n  app_max_size: 2\n',
    );
    const e = await refusal(dir, 'staging');
    assert.equal(
      e.message,
      "AppGroup's rolling update keeps MinInstancesInService (AppMinSize = 2 from setting app_min_size in environments/staging.yml) in service, which is not below the group's MaxSize (AppMaxSize = 2 from setting app_max_size in environments/staging.yml): CloudFormation would refuse the update",
    );
    assert.match(e.hint!, /app_max_size at least app_min_size \+ 1/);
    assert.equal(e.exitCode, 2);
    // One more instance of room: accepted.
    writeFileSync(
      join(dir, 'environments', 'staging.yml'),
      'platform: aws\nsettings:\n  app_min_size: 2\n  app_desired_capacity: 2\n  app_max_size: 3\n',
    );
    const ctx = testContext({ ...SDK_MOCKED, dir, env: 'staging' });
    const p = await buildParameters(ctx, desiredTemplate(ctx).template, 'ami-0123abcd');
    assert.deepEqual([p.AppMinSize, p.AppMaxSize], ['2', '3']);
  });

  it('a mapping to a name no formation declares', async () => {
    const dir = legacyCopy((d) => editFile(d, 'playbooks/group_vars/all.yml', (s) => s.replace('DbUser: DBUser', 'DbUser: DBUsername')));
    const e = await refusal(dir);
    assert.equal(e.message, 'formation_parameters.DbUser in playbooks/group_vars/all.yml maps to DBUsername, which no formation declares');
    assert.match(e.hint ?? '', /declared parameters: .*DBUser/);
  });

  it("without the mapping, the template's own names are missing fragctl's required parameters", async () => {
    const dir = legacyCopy((d) => editFile(d, 'playbooks/group_vars/all.yml', (s) => s.replace(/formation_parameters:[\s\S]*?\n\n/, '\n')));
    const e = await refusal(dir);
    assert.match(e.message, /^the template does not declare parameter App, which fragctl always passes/);
    assert.match(e.hint ?? '', /formation_parameters: \{ App: <name> \}/);
  });

  it('a Default outside its own AllowedValues names the formation', async () => {
    const dir = legacyCopy((d) => editFile(d, 'formations/app.json', (s) => s.replace('"Default": "t2.small"', '"Default": "t3.small"')));
    const e = await refusal(dir);
    assert.match(
      e.message,
      /^stack parameter AppInstanceType = "t3.small" from its Default in formations\/app\.json is not one of its AllowedValues/,
    );
    assert.match(e.hint ?? '', /change the Default of AppInstanceType in formations\/app\.json/);
  });

  it('a parameter with no Default and no value: the hint names the setting to write', async () => {
    const dir = legacyCopy((d) => editFile(d, 'formations/database.json', (s) => s.replace('"Default": "legacy", ', '')));
    const e = await refusal(dir);
    assert.equal(e.message, 'template parameter DBName (formations/database.json) has no Default and no value');
    assert.match(e.hint ?? '', /formation_parameters/);
    const dir2 = legacyCopy((d) => {
      editFile(d, 'formations/database.json', (s) => s.replace('"Default": "legacy", ', ''));
      editFile(d, 'playbooks/group_vars/all.yml', (s) => s.replace('DbUser: DBUser', 'DbUser: DBUser\n  DbName: DBName'));
    });
    const e2 = await refusal(dir2);
    assert.equal(e2.hint, 'set db_name in playbooks/group_vars/all.yml or the settings: block of environments/demo.yml');
  });

  it('the database password is checked too, and never shown', async () => {
    process.env.FRAGCTL_DB_PASSWORD = 'short';
    const e = await refusal(LEGACY);
    assert.match(e.message, /^stack parameter DBPassword = \*\*\*\*\*\*\*\* from the database password .* is shorter than its MinLength 8/);
    assert.doesNotMatch(e.message, /short"/);
  });
});

describe('one value against its parameter', () => {
  const check = (p: Record<string, unknown>, v: string) => checkParameterValue('P', p, v, 'setting x in all.yml')?.message;
  it('types', () => {
    assert.match(check({ Type: 'Number' }, 'ten') ?? '', /is not a number/);
    assert.equal(check({ Type: 'Number' }, '10'), undefined);
    assert.match(check({ Type: 'AWS::EC2::Image::Id' }, 'ami-1') ?? '', /is not a valid AWS::EC2::Image::Id/);
    assert.equal(check({ Type: 'AWS::EC2::Image::Id' }, 'ami-0123456789abcdef0'), undefined);
    assert.match(check({ Type: 'AWS::EC2::KeyPair::KeyName' }, '') ?? '', /KeyPair::KeyName/);
    assert.match(check({ Type: 'List<AWS::EC2::Subnet::Id>' }, 'subnet-0123abcd,vpc-0123abcd') ?? '', /AWS::EC2::Subnet::Id/);
    assert.equal(check({ Type: 'List<AWS::EC2::Subnet::Id>' }, 'subnet-0123abcd,subnet-0123abce'), undefined);
    assert.match(check({ Type: 'List<Number>' }, '1,x') ?? '', /not a number/);
  });
  it('constraints', () => {
    assert.match(check({ AllowedPattern: '[a-z]+' }, 'Abc') ?? '', /does not match its AllowedPattern \[a-z\]\+/);
    assert.match(check({ MinLength: 3 }, 'ab') ?? '', /shorter than its MinLength 3/);
    assert.match(check({ MaxLength: '3' }, 'abcd') ?? '', /longer than its MaxLength 3/);
    assert.match(check({ Type: 'Number', MinValue: 5 }, '4') ?? '', /below its MinValue 5/);
    assert.match(check({ Type: 'Number', MaxValue: 1024 }, '2000') ?? '', /above its MaxValue 1024/);
    assert.match(check({ Type: 'CommaDelimitedList', AllowedValues: ['a', 'b'] }, 'a,c') ?? '', /AllowedValues: a, b/);
    assert.equal(check({ Type: 'Number', MinValue: 5, MaxValue: 10, AllowedValues: [5, 7] }, '7'), undefined);
  });
});
