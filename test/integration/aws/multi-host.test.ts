/**
 * Issue 11: a multi-host Ansible repository (test/fixtures/multi-host: roles db / webserver / app,
 * instances prod / demo / test chosen by `type`, community.general modules, YAML formations with
 * parameter names of its own) taken through every verb unchanged: moto for AWS, real
 * ansible-playbook over real sshd stand-ins on loopback (`aws.connection: loopback`; nothing
 * connects to moto's addresses). The only lines the test adds are the endpoint and host wiring.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { ROOT } from '../../helpers/cli.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { clients, run as runIn, show } from './helpers.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'multi-host');
const ENV = { FRAGCTL_VAULT_PASSWORD_FILE: undefined, FRAGCTL_DB_PASSWORD: undefined };
const GROUPS = ['db', 'webserver', 'app'] as const;

function multiHostProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-multihost-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}
const editFile = (dir: string, rel: string, fn: (s: string) => string): void =>
  writeFileSync(join(dir, rel), fn(readFileSync(join(dir, rel), 'utf8')));

/** Every file under a directory, relative to it, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`]))
    .sort();
}
const read = (...parts: string[]): string => readFileSync(join(...parts), 'utf8');

describe('the multi-host repository through every verb', { timeout: 900_000 }, () => {
  let moto: Moto;
  let ssh: SshHosts;
  let aws: ReturnType<typeof clients>;
  let dir: string;
  /** deploy root per group (and the image stand-in's) */
  const root: Record<string, string> = {};
  const run = (args: string[]) => runIn(dir, moto.url, args, ENV);
  const instanceOf = async (group: string): Promise<Instance> => {
    const r = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: [`shop-demo-${group}`] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    const all = (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
    assert.equal(all.length, 1, `one running ${group} instance`);
    return all[0]!;
  };

  before(async () => {
    [moto, ssh] = await Promise.all([startMoto(), startSshHosts(4)]);
    aws = clients(moto.url);
    dir = multiHostProject();
    copyFileSync(ssh.privateKey, join(dir, 'keys', 'shop-ops.pem'));
    chmodSync(join(dir, 'keys', 'shop-ops.pem'), 0o600);
    const stands = [...GROUPS, 'image'].map((group, n) => {
      const h = ssh.hosts[n]!;
      root[group] = h.deployRoot;
      return [
        group,
        [
          {
            address: h.address,
            port: h.port,
            user: h.user,
            vars: { deploy_root: h.deployRoot, ansible_python_interpreter: '/usr/bin/python3' },
          },
        ],
      ];
    });
    // The wiring: demo.yml as the fixture has it, plus how to reach its hosts here.
    const demo = yaml.load(read(dir, 'environments', 'demo.yml')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'environments', 'demo.yml'),
      yaml.dump({ ...demo, aws: { connection: 'loopback', loopback_hosts: Object.fromEntries(stands) } }),
    );
  });
  after(async () => {
    await Promise.all([moto?.stop(), ssh?.stop()]);
  });

  it('config: type is prod from all.yml, demo and test from their environments', async () => {
    for (const env of ['prod', 'demo', 'test']) {
      const r = await run([env, 'config', '--json']);
      assert.equal(r.code, 0, show(r));
      const c = JSON.parse(r.stdout) as { settings: Record<string, unknown> };
      assert.equal(c.settings.type, env, env);
    }
  });

  it('template merges the YAML formations (not image.json) in the repository’s own parameter names', async () => {
    const r = await run(['demo', 'template']);
    assert.equal(r.code, 0, show(r));
    const t = JSON.parse(r.stdout) as {
      Parameters: Record<string, unknown>;
      Resources: Record<string, { Type: string; Properties: { ImageId?: unknown } }>;
    };
    assert.deepEqual(Object.keys(t.Resources), ['AppServer', 'DbSecurityGroup', 'DbServer', 'ServerSecurityGroup', 'WebServer']);
    assert.deepEqual(Object.keys(t.Parameters).sort(), [
      'AppServerSize',
      'DbServerSize',
      'Project',
      'SSHKeyName',
      'ServerAMI',
      'Stage',
      'WebServerSize',
    ]);
    assert.deepEqual(t.Resources.DbServer!.Properties.ImageId, { Ref: 'ServerAMI' });
    const y = await run(['demo', 'template', '--format', 'yaml']);
    assert.equal(y.code, 0, show(y));
    assert.match(y.stdout, /ImageId: !Ref ServerAMI\n/, 'short forms are written back');
    assert.match(y.stdout, /Value: !GetAtt WebServer\.PublicDnsName\n/);
  });

  it('validate: every check passes, the mapped parameters among them', async () => {
    const r = await run(['demo', 'validate', '--json']);
    assert.equal(r.code, 0, show(r));
    const { checks } = JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; warning?: boolean; detail: string }> };
    for (const name of ['settings', 'template', 'cfn-lint', 'parameters', 'key', 'image playbook', 'ValidateTemplate']) {
      const c = checks.filter((x) => x.name === name);
      assert.ok(c.length >= 1 && c.every((x) => x.ok && !x.warning), `${name}: ${JSON.stringify(c)}`);
    }
    // Project, Stage, SSHKeyName, ServerAMI and AppServerSize (demo's app_instance_type); DbServerSize and WebServerSize keep their Defaults.
    assert.match(checks.find((c) => c.name === 'parameters')!.detail, /^5 passed by fragctl, 2 keep their Default/);
  });

  it('plan: a bake and a stack of five resources, nothing created', async () => {
    const r = await run(['demo', 'plan', '--json']);
    assert.equal(r.code, 0, show(r));
    const p = JSON.parse(r.stdout) as {
      stack: { action: string; changes: Array<{ logicalId: string }> };
      template: { checker: string; warnings: string[] };
    };
    assert.equal(p.stack.action, 'create');
    assert.deepEqual(p.stack.changes.map((c) => c.logicalId).sort(), [
      'AppServer',
      'DbSecurityGroup',
      'DbServer',
      'ServerSecurityGroup',
      'WebServer',
    ]);
    assert.equal(p.template.checker, 'cfn-lint');
    assert.deepEqual(p.template.warnings, []);
    assert.equal((await aws.cfn.send(new ListStacksCommand({}))).StackSummaries?.length ?? 0, 0);
    assert.equal((await aws.ec2.send(new DescribeInstancesCommand({}))).Reservations?.length ?? 0, 0);
  });

  it('commission bakes, creates the stack with the mapped parameters and deploys each role to its host as demo', async () => {
    const r = await run(['demo', 'commission']);
    assert.equal(r.code, 0, show(r));
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'shop-demo' }))).Stacks![0]!;
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    const params = Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    assert.equal(params.Project, 'shop');
    assert.equal(params.Stage, 'demo');
    assert.equal(params.SSHKeyName, 'shop-ops');
    assert.match(params.ServerAMI ?? '', /^ami-/);
    assert.equal(params.AppServerSize, 't2.micro', 'app_instance_type from environments/demo.yml, through the mapping');
    assert.ok([undefined, 't2.small'].includes(params.DbServerSize), params.DbServerSize);
    for (const fragctlName of ['App', 'Env', 'ImageId', 'KeyName', 'AppInstanceType', 'DbPassword'])
      assert.equal(params[fragctlName], undefined, fragctlName);
    for (const play of ['Bake the server image', 'Database servers', 'Web servers', 'Application servers'])
      assert.match(r.stderr, new RegExp(`PLAY \\[${play}\\]`));

    const [db, web, app] = (await Promise.all(GROUPS.map(instanceOf))) as [Instance, Instance, Instance];
    // Each host received its own role's files, under the demo instance's path, and nothing else.
    assert.deepEqual(filesUnder(root.image!), ['baseline.ini']);
    assert.equal(read(root.image!, 'baseline.ini'), '\n[image]\nproject = shop\n');
    assert.deepEqual(filesUnder(root.db!), ['demo/postgresql/pg_hba.conf', 'demo/postgresql/postgresql.conf']);
    assert.deepEqual(filesUnder(root.webserver!), ['demo/nginx/shop.conf']);
    assert.deepEqual(filesUnder(root.app!), ['demo/app/shop.env', 'demo/app/shop.ini']);

    assert.equal(read(root.db!, 'demo/postgresql/postgresql.conf'), "port = 5432\nmax_connections = 20\ncluster_name = 'shop-demo'\n\n"); // ini_file without a section ends with a blank line
    const hba = read(root.db!, 'demo/postgresql/pg_hba.conf');
    assert.match(hba, /\(demo\)\n/);
    // the app server's address, from moto's instance (never connected to)
    assert.match(hba, new RegExp(`\\nhost +shop_demo +shop +${app.PrivateIpAddress!.replace(/\./g, '\\.')}/32 +scram-sha-256\\n`));

    const site = read(root.webserver!, 'demo/nginx/shop.conf');
    assert.match(site, new RegExp(`upstream shop_demo \\{\\n +server ${app.PrivateDnsName!.replace(/\./g, '\\.')}:8000;\\n\\}`));
    assert.match(site, / listen 8080;\n/);
    assert.match(site, / server_name demo\.shop\.example\.com;\n/);
    assert.match(site, /X-Robots-Tag "noindex"/);
    assert.doesNotMatch(site, /access_log/, 'the prod-only branch of the template');

    assert.equal(
      read(root.app!, 'demo/app/shop.ini'),
      `\n[shop]\ntype = demo\ndebug = True\n[server]\nport = 8000\nworkers = 2\n[database]\nhost = ${db.PrivateDnsName}\nport = 5432\nname = shop_demo\n`,
    );
    assert.equal(
      read(root.app!, 'demo/app/shop.env'),
      `SHOP_INSTANCE=demo\nSHOP_SETTINGS=${root.app}/demo/app/shop.ini\nSHOP_PUBLIC_URL=https://demo.shop.example.com/\n`,
    );
    for (const group of GROUPS) {
      for (const f of filesUnder(root[group]!)) assert.doesNotMatch(read(root[group]!, f), /prod/, `${group}: ${f} is demo's, not prod's`);
    }
    assert.ok(web.InstanceId);
  });

  it('deploy puts back what a host lost and leaves the others unchanged', async () => {
    rmSync(join(root.webserver!, 'demo'), { recursive: true });
    const r = await run(['demo', 'deploy', '--json']);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      roles: Array<{ role: string; status: string; hosts: string[] }>;
      hosts: Array<{ name: string; ec2Name?: string; groups: string[]; status: string; changed: number }>;
    };
    assert.equal(out.ok, true);
    assert.deepEqual(
      out.roles.map((x) => [x.role, x.status, x.hosts.length]),
      [
        ['db', 'ok', 1],
        ['webserver', 'ok', 1],
        ['app', 'ok', 1],
      ],
    );
    const byName = Object.fromEntries(out.hosts.map((h) => [h.ec2Name, h]));
    assert.equal(byName['shop-demo-webserver']?.status, 'changed', JSON.stringify(out.hosts));
    assert.equal(byName['shop-demo-db']?.status, 'ok', JSON.stringify(out.hosts));
    assert.equal(byName['shop-demo-app']?.status, 'ok', JSON.stringify(out.hosts));
    assert.match(read(root.webserver!, 'demo/nginx/shop.conf'), / server_name demo\.shop\.example\.com;\n/);
  });

  it('status and hosts show the stack, its image and one host per group', async () => {
    const s = await run(['demo', 'status', '--json']);
    assert.equal(s.code, 0, show(s));
    const status = JSON.parse(s.stdout) as { status: string; image: { imageId: string } | null; hosts: Record<string, unknown[]> };
    assert.equal(status.status, 'CREATE_COMPLETE');
    assert.match(status.image?.imageId ?? '', /^ami-/, 'the image is read from ServerAMI');
    assert.deepEqual(Object.fromEntries(Object.entries(status.hosts).map(([g, h]) => [g, h.length])), { app: 1, db: 1, webserver: 1 });
    const h = await run(['demo', 'hosts']);
    assert.equal(h.code, 0, show(h));
    for (const group of GROUPS) assert.match(h.stdout, new RegExp(`^${group} +shop-demo-${group} +i-\\w+ +running`, 'm'));
    assert.doesNotMatch(h.stdout, /image-builder/, 'the bake’s instance is gone');
  });

  it('decommission deletes the stack and its hosts', async () => {
    const r = await run(['demo', 'decommission', '--yes', '--json']);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as { deleted: boolean; resources: Array<{ logicalId: string }>; retained: unknown[] };
    assert.equal(out.deleted, true);
    assert.deepEqual(out.resources.map((x) => x.logicalId).sort(), [
      'AppServer',
      'DbSecurityGroup',
      'DbServer',
      'ServerSecurityGroup',
      'WebServer',
    ]);
    assert.deepEqual(out.retained, []);
    const live = await aws.cfn.send(new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_FAILED'] }));
    assert.equal(live.StackSummaries?.length ?? 0, 0);
    const running = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:App', Values: ['shop'] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    assert.equal(running.Reservations?.length ?? 0, 0);
  });
});

describe('the multi-host repository: bad input creates nothing', { timeout: 600_000 }, () => {
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
  /** The key and the wiring of the legitimate run: stand-ins on a port nothing listens on (nothing may connect). */
  const wired = (dir: string, env: string): void => {
    writeFileSync(join(dir, 'keys', 'shop-ops.pem'), 'not used: nothing may connect\n', { mode: 0o600 });
    const stands = Object.fromEntries([...GROUPS, 'image'].map((g, n) => [g, [{ address: `127.0.0.${200 + n}`, port: 9 }]]));
    const file = join(dir, 'environments', `${env}.yml`);
    writeFileSync(
      file,
      yaml.dump({ ...(yaml.load(readFileSync(file, 'utf8')) as object), aws: { connection: 'loopback', loopback_hosts: stands } }),
    );
  };

  before(async () => {
    moto = await startMoto();
    aws = clients(moto.url);
  });
  after(async () => moto?.stop());
  beforeEach(async () => moto.reset());

  it('a setting outside the mapped parameter’s AllowedValues, in plan, validate and commission', async () => {
    const dir = multiHostProject();
    wired(dir, 'test');
    editFile(dir, 'environments/test.yml', (s) => s.replace('  type: test\n', '  type: test\n  app_instance_type: t3.large\n'));
    const message =
      /^error: stack parameter AppServerSize = "t3\.large" from setting app_instance_type in environments\/test\.yml is not one of its AllowedValues: t2\.micro, t2\.small, t2\.medium \(declared in formations\/servers\.yaml\)$/;
    for (const args of [
      ['test', 'plan'],
      ['test', 'commission'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, message);
      assert.match(r.stderr, /hint: +change app_instance_type in environments\/test\.yml to one of t2\.micro, t2\.small, t2\.medium/);
    }
    const v = await runIn(dir, moto.url, ['test', 'validate'], ENV);
    assert.equal(v.code, 1, show(v));
    assert.match(v.stdout, /parameters +FAIL +stack parameter AppServerSize = "t3\.large"/);
    await nothingCreated();
  });

  it('a play whose pattern matches no host: commission stops before the image and the stack', async () => {
    const dir = multiHostProject();
    wired(dir, 'demo');
    // The classic slip in a multi-host repository: the group is webserver, the play says webservers.
    editFile(dir, 'playbooks/webserver.yml', (s) => s.replace('hosts: webserver\n', 'hosts: webservers\n'));
    for (const args of [
      ['demo', 'commission'],
      ['demo', 'commission', '--dry-run'],
    ]) {
      const r = await runIn(dir, moto.url, args, ENV);
      assert.equal(r.code, 2, show(r));
      oneLine(r.stderr, /^error: playbook playbooks\/webserver\.yml: play "Web servers" matches no host: hosts: webservers$/);
      assert.match(r.stderr, /\nhint: +did you mean webserver\? /);
      assert.doesNotMatch(r.stderr, /PLAY \[|baking|would bake|creating stack/, 'nothing ran, nothing was baked or created');
    }
    await nothingCreated();
    const images = await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.equal(images.Images?.length ?? 0, 0, 'no image baked');
  });
});
