/**
 * Issue 11: a 2014-era ops repository (test/fixtures/legacy-aws) runs unchanged: the formations
 * its `formations:` list names, its own parameter names through `formation_parameters:`, its
 * Defaults kept, a Retain bucket listed as kept. Bad input stops with exit 2 and creates nothing.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { ROOT } from '../../helpers/cli.js';
import { clients, run as runIn, show } from './helpers.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'legacy-aws');
const ENV = { FRAGCTL_DB_PASSWORD: 'legacy-password-1', FRAGCTL_VAULT_PASSWORD_FILE: undefined };

function legacyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-legacy-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}
const editFile = (dir: string, rel: string, fn: (s: string) => string): void =>
  writeFileSync(join(dir, rel), fn(readFileSync(join(dir, rel), 'utf8')));

describe('a legacy AWS ops repository on moto', () => {
  let moto: Moto;
  let aws: ReturnType<typeof clients>;
  let dir: string;
  const run = (args: string[]) => runIn(dir, moto.url, args, ENV);

  before(async () => {
    moto = await startMoto();
    aws = clients(moto.url);
    dir = legacyProject();
  });
  after(async () => moto?.stop());

  it('template merges the listed formations only, in the template’s own parameter names', async () => {
    const r = await run(['demo', 'template']);
    assert.equal(r.code, 0, show(r));
    const t = JSON.parse(r.stdout) as {
      Parameters: Record<string, unknown>;
      Resources: Record<string, { Type: string; DeletionPolicy?: string }>;
    };
    assert.deepEqual(Object.keys(t.Resources), ['AppServer', 'AssetsBucket', 'Database', 'DatabaseSecurityGroup', 'WebSecurityGroup']);
    assert.equal(t.Resources.AppServer!.Type, 'AWS::EC2::Instance', 'app.json, not the alternative app-autoscaling.json');
    assert.equal(t.Resources.AssetsBucket!.DeletionPolicy, 'Retain');
    assert.ok(t.Parameters.AppName && t.Parameters.AppImageAMI && t.Parameters.DBUser);
  });

  it('validate runs every local check, and names the emulator’s refusal over a cfn-lint warning as a warning: exit 0', async () => {
    const r = await run(['demo', 'validate', '--json']);
    assert.equal(r.code, 0, show(r));
    const { checks } = JSON.parse(r.stdout) as {
      checks: Array<{ name: string; ok: boolean; warning?: boolean; detail: string; hint?: string }>;
    };
    const by = (name: string) => checks.filter((c) => c.name === name);
    for (const name of ['settings', 'template', 'parameters', 'key', 'image playbook'])
      assert.equal(by(name)[0]?.ok, true, `${name}: ${JSON.stringify(by(name))}`);
    assert.match(by('parameters')[0]!.detail, /^6 passed by fragctl, 4 keep their Default/);
    const lint = by('cfn-lint');
    assert.ok(lint.length >= 2 && lint.every((c) => c.ok && c.warning), JSON.stringify(lint));
    assert.ok(
      lint.some((c) => /^W3011 formations\/storage-assets\.json: Resources\.AssetsBucket: /.test(c.detail)),
      JSON.stringify(lint),
    );
    const remote = by('ValidateTemplate')[0]!;
    assert.deepEqual([remote.ok, remote.warning], [true, true]);
    // moto answers "Stack with id <a cfn-lint warning> does not exist"; fragctl says what it is.
    assert.match(remote.detail, /refused the template over what cfn-lint reports as a warning: W3011 /);
    assert.doesNotMatch(remote.detail, /Stack with id/);
    assert.match(remote.hint ?? '', /AWS CloudFormation accepts templates with cfn-lint warnings/);
  });

  it('plan: the stack would be created, cfn-lint warnings listed, nothing created', async () => {
    const r = await run(['demo', 'plan', '--json']);
    assert.equal(r.code, 0, show(r));
    const p = JSON.parse(r.stdout) as {
      stack: { action: string; changes: Array<{ logicalId: string }> };
      template: { checker: string; warnings: string[] };
    };
    assert.equal(p.stack.action, 'create');
    assert.equal(p.stack.changes.length, 5);
    assert.equal(p.template.checker, 'cfn-lint');
    assert.ok(
      p.template.warnings.some((w) => w.startsWith('W3011 ')),
      JSON.stringify(p.template),
    );
    assert.match(r.stderr, /! cfn-lint: W3011/);
    assert.equal((await aws.cfn.send(new ListStacksCommand({}))).StackSummaries?.length ?? 0, 0);
  });

  it('commission creates the stack with the mapped parameters and keeps the template’s Defaults', async () => {
    const r = await run(['demo', 'commission', '--no-deploy']);
    assert.equal(r.code, 0, show(r));
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'legacy-demo' }))).Stacks![0]!;
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    const params = Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    assert.equal(params.AppName, 'legacy');
    assert.equal(params.EnvironmentName, 'demo');
    assert.match(params.AppImageAMI ?? '', /^ami-/);
    assert.equal(params.DBUser, 'legacy');
    for (const fragctlName of ['App', 'Env', 'ImageId', 'DbUser', 'DbInstanceClass'])
      assert.equal(params[fragctlName], undefined, fragctlName);
    // fragctl's own defaults (db.t3.micro, t3.small, 20 GB) are not imposed.
    assert.ok([undefined, 'db.t2.micro'].includes(params.DBInstanceClass), params.DBInstanceClass);
    assert.ok([undefined, 't2.small'].includes(params.AppInstanceType), params.AppInstanceType);
  });

  it('status and hosts find the stack, its image and the app server', async () => {
    const s = await run(['demo', 'status', '--json']);
    assert.equal(s.code, 0, show(s));
    const status = JSON.parse(s.stdout) as { status: string; image: { imageId: string } | null; hosts: Record<string, unknown[]> };
    assert.equal(status.status, 'CREATE_COMPLETE');
    assert.match(status.image?.imageId ?? '', /^ami-/, 'the image is read from AppImageAMI');
    assert.equal(status.hosts.app?.length, 1);
    const h = await run(['demo', 'hosts']);
    assert.equal(h.code, 0, show(h));
    assert.match(h.stdout, /app +legacy-demo-app +i-\w+ +running/);
  });

  it('decommission lists the Retain bucket and the Snapshot database under kept', async () => {
    const r = await run(['demo', 'decommission', '--yes', '--json']);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as {
      deleted: boolean;
      resources: Array<{ logicalId: string }>;
      retained: Array<{ logicalId: string; policy: string }>;
    };
    assert.equal(out.deleted, true);
    assert.deepEqual(out.resources.map((x) => x.logicalId).sort(), ['AppServer', 'DatabaseSecurityGroup', 'WebSecurityGroup']);
    assert.deepEqual(out.retained.map((x) => [x.logicalId, x.policy]).sort(), [
      ['AssetsBucket', 'Retain'],
      ['Database', 'Snapshot'],
    ]);
    const [deleted, kept] = r.stderr.split(/\nkept:\n/);
    assert.ok(kept, r.stderr);
    assert.doesNotMatch(deleted!, /AssetsBucket/);
    assert.match(kept!, /\+ AssetsBucket +AWS::S3::Bucket +legacy-demo-assets +\(DeletionPolicy Retain/);
  });
});

describe('a legacy AWS ops repository: bad input creates nothing', () => {
  let moto: Moto;
  let aws: ReturnType<typeof clients>;
  const nothingCreated = async (): Promise<void> => {
    const stacks = await aws.cfn.send(new ListStacksCommand({}));
    assert.equal(stacks.StackSummaries?.length ?? 0, 0, 'no stack');
    const instances = await aws.ec2.send(new DescribeInstancesCommand({}));
    assert.equal(instances.Reservations?.length ?? 0, 0, 'no instance');
  };
  const oneLine = (stderr: string, message: RegExp): void => {
    const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, stderr);
    assert.match(errors[0]!, message);
    assert.match(stderr, /\nhint: {2}\S/);
  };

  before(async () => {
    moto = await startMoto();
    aws = clients(moto.url);
  });
  after(async () => moto?.stop());
  beforeEach(async () => moto.reset());

  it('a formations: entry that matches no file', async () => {
    const dir = legacyProject();
    editFile(dir, 'playbooks/group_vars/all.yml', (s) => s.replace('  - database.json', '  - databse.json'));
    for (const args of [
      ['demo', 'template'],
      ['demo', 'plan'],
      ['demo', 'commission', '--no-deploy'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, /^error: formations: "databse\.json" in playbooks\/group_vars\/all\.yml matches no file in formations\/$/);
      assert.match(
        r.stderr,
        /hint: +fix the name or remove it from the list; formations\/ holds app-autoscaling\.json, app\.json, base\.json, database-multiaz\.json, database\.json, storage-assets\.json/,
      );
    }
    await nothingCreated();
  });

  it('without a formations: list the alternative versions collide', async () => {
    const dir = legacyProject();
    editFile(dir, 'playbooks/group_vars/all.yml', (s) => s.replace(/formations:\n( {2}- .*\n)+/, ''));
    const r = await runIn(dir, moto.url, ['demo', 'template'], ENV);
    assert.equal(r.code, 2, show(r));
    oneLine(
      r.stderr,
      /logical ID AppServer in Resources is defined twice: in formations\/app-autoscaling\.json and in formations\/app\.json/,
    );
  });

  it('a formation_parameters entry naming a parameter no formation declares', async () => {
    const dir = legacyProject();
    editFile(dir, 'playbooks/group_vars/all.yml', (s) => s.replace('ImageId: AppImageAMI', 'ImageId: AppAMI'));
    for (const args of [
      ['demo', 'plan'],
      ['demo', 'commission', '--no-deploy'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(
        r.stderr,
        /^error: formation_parameters\.ImageId in playbooks\/group_vars\/all\.yml maps to AppAMI, which no formation declares$/,
      );
    }
    await nothingCreated();
  });

  it('a setting outside the parameter’s AllowedValues, in plan, validate and commission', async () => {
    const dir = legacyProject();
    editFile(dir, 'environments/demo.yml', (s) => `${s}settings:\n  db_instance_class: db.t3.micro\n`);
    const message =
      /stack parameter DBInstanceClass = "db\.t3\.micro" from setting db_instance_class in environments\/demo\.yml is not one of its AllowedValues: db\.t2\.micro, db\.t2\.small, db\.m3\.medium/;
    for (const args of [
      ['demo', 'plan'],
      ['demo', 'commission', '--no-deploy'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, message);
      assert.match(r.stderr, /hint: +change db_instance_class in environments\/demo\.yml to one of db\.t2\.micro/);
    }
    const v = await runIn(dir, moto.url, ['demo', 'validate'], ENV);
    assert.equal(v.code, 1, show(v));
    assert.match(v.stdout, /parameters +FAIL +stack parameter DBInstanceClass = "db\.t3\.micro"/);
    await nothingCreated();
  });

  it('a Parameter and a Resource sharing a name, and a dependency cycle: template, validate and plan name both places', async () => {
    const dir = legacyProject();
    writeFileSync(
      join(dir, 'formations', 'workers.json'),
      JSON.stringify({ Parameters: { WorkerGroup: { Type: 'String', Default: 'w' } } }),
    );
    writeFileSync(
      join(dir, 'formations', 'worker-group.json'),
      JSON.stringify({ Resources: { WorkerGroup: { Type: 'AWS::SNS::Topic' } } }),
    );
    editFile(dir, 'playbooks/group_vars/all.yml', (s) => s.replace('  - storage-*.json', '  - storage-*.json\n  - worker*.json'));
    const shared =
      /logical ID WorkerGroup is both a Parameter \(in formations\/workers\.json\) and a Resource \(in formations\/worker-group\.json\)/;
    for (const args of [
      ['demo', 'template'],
      ['demo', 'plan'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, shared);
    }
    const v = await runIn(dir, moto.url, ['demo', 'validate'], ENV);
    assert.equal(v.code, 1, show(v));
    assert.match(v.stdout, new RegExp(`template +FAIL +${shared.source}`));

    editFile(dir, 'playbooks/group_vars/all.yml', (s) => s.replace('  - worker*.json\n', ''));
    editFile(dir, 'formations/base.json', (s) =>
      s.replace(
        '"Type": "AWS::EC2::SecurityGroup",\n      "Properties": {\n        "GroupDescription": { "Fn::Sub": "${AppName}-${EnvironmentName} web" },',
        '"Type": "AWS::EC2::SecurityGroup",\n      "DependsOn": "AppServer",\n      "Properties": {\n        "GroupDescription": { "Fn::Sub": "${AppName}-${EnvironmentName} web" },',
      ),
    );
    const cycle =
      /dependency cycle between resources AppServer → WebSecurityGroup → AppServer: formations\/app\.json: Ref WebSecurityGroup at Resources\.AppServer\.Properties\.SecurityGroups\.0; formations\/base\.json: DependsOn AppServer at Resources\.WebSecurityGroup/;
    for (const args of [
      ['demo', 'template'],
      ['demo', 'plan'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, cycle);
    }
    await nothingCreated();
  });

  it('a cfn-lint error stops plan (exit 2) and fails validate, naming the formation', async () => {
    const dir = legacyProject();
    editFile(dir, 'formations/storage-assets.json', (s) => s.replace('"BucketName":', '"BucketNam": "x",\n        "BucketName":'));
    const r = await runIn(dir, moto.url, ['demo', 'plan'], ENV);
    assert.equal(r.code, 2, show(r));
    oneLine(r.stderr, /^error: cfn-lint: E3002 formations\/storage-assets\.json: Resources\.AssetsBucket\.Properties/);
    const v = await runIn(dir, moto.url, ['demo', 'validate'], ENV);
    assert.equal(v.code, 1, show(v));
    assert.match(v.stdout, /cfn-lint +FAIL +E3002 formations\/storage-assets\.json: Resources\.AssetsBucket\.Properties/);
    assert.match(v.stdout, /parameters +ok/, 'the other local checks are still shown');
    await nothingCreated();
  });
});
