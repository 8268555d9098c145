/**
 * Hosts by tag against moto: RunInstances with tags, then `hosts`, `inventory` through the real
 * ansible-inventory, the tag contract, and the demo's local connection. Nothing ever connects to
 * an address moto hands out.
 * Roles slim (test/helpers/slim.ts): the subject is finding hosts; the knowledge role still leaves its unit file.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { copyProject, fragctl, ROOT } from '../../helpers/cli.js';
import { slimRoles } from '../../helpers/slim.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';
import { planDeploy } from '../../../src/core/deploy/plan.js';
import type { Context } from '../../../src/core/context.js';

const run = promisify(execFile);
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const VAULT = { FRAGCTL_VAULT_PASSWORD: 'fragctl-demo-vault-password--demo-only--replace-me' };

describe('hosts by tag (moto)', () => {
  let moto: Moto;
  let ec2: EC2Client;
  let dir: string;
  const env = (): Record<string, string> => ({ AWS_ENDPOINT_URL: moto.url, ...VAULT });

  async function launch(tags: Record<string, string>, count = 1): Promise<string[]> {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        MinCount: count,
        MaxCount: count,
        InstanceType: 't3.micro',
        TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
    );
    return (out.Instances ?? []).map((i) => i.InstanceId!);
  }
  const tagged = (envName: string, group: string): Record<string, string> => ({
    Name: `frag-${envName}-${group}`,
    App: 'frag',
    Env: envName,
    Group: group,
  });

  before(async () => {
    moto = await startMoto();
    ec2 = new EC2Client({ endpoint: moto.url, region: 'us-east-1', credentials: creds });
    dir = copyProject();
    slimRoles(dir);
  });
  afterEach(async () => moto.reset());
  after(async () => moto?.stop());

  it("hosts lists the environment's instances by tag, with --group, as JSON and as a table", async () => {
    const apps = await launch(tagged('staging', 'app'), 2);
    const [kb] = await launch(tagged('staging', 'knowledge'));
    await launch(tagged('production', 'app'));
    await launch({ ...tagged('staging', 'app'), App: 'other' });
    const r = await fragctl(['staging', 'hosts', '--json', '--project-dir', dir], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const hosts = JSON.parse(r.stdout) as Array<{
      group: string;
      name: string;
      instanceId: string;
      state: string;
      privateIp: string;
      launchTime: string;
    }>;
    assert.deepEqual(hosts.map((h) => h.instanceId).sort(), [...apps, kb].sort());
    assert.deepEqual(
      hosts.map((h) => h.group),
      ['app', 'app', 'knowledge'],
    );
    assert.ok(hosts.every((h) => h.state === 'running' && h.privateIp && h.launchTime && h.name.startsWith('frag-staging-')));
    const only = await fragctl(['staging', 'hosts', '--group', 'knowledge', '--project-dir', dir], { env: env() });
    assert.equal(only.code, 0, only.stderr);
    assert.match(only.stdout, /^GROUP\s+NAME\s+INSTANCE\s+STATE/);
    assert.match(only.stdout, new RegExp(`knowledge\\s+frag-staging-knowledge\\s+${kb}\\s+running`));
    assert.ok(!only.stdout.includes(apps[0]!));
    const none = await fragctl(['staging', 'hosts', '--group', 'broker', '--project-dir', dir], { env: env() });
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no hosts in staging \(group broker\)/);
  });

  it('the real ansible-inventory reads bin/fragctl-inventory: groups, env group, facts and stack outputs', async () => {
    const cfn = new CloudFormationClient({ endpoint: moto.url, region: 'us-east-1', credentials: creds });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'frag-demo',
        TemplateBody: JSON.stringify({
          Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } },
          Outputs: { DatabaseEndpoint: { Value: 'db.demo.internal' }, KnowledgeHost: { Value: '10.0.0.7' } },
        }),
      }),
    );
    const [app] = await launch(tagged('demo', 'app'));
    const [kb] = await launch(tagged('demo', 'knowledge'));
    const { stdout } = await run(
      join(ROOT, '.venv', 'bin', 'ansible-inventory'),
      ['-i', join(ROOT, 'bin', 'fragctl-inventory'), '--list'],
      {
        cwd: dir,
        env: { ...process.env, ...env(), FRAGCTL_ENV: 'demo', FRAGCTL_PROJECT_DIR: dir, ANSIBLE_INVENTORY_UNPARSED_FAILED: '1' },
      },
    );
    const inv = JSON.parse(stdout) as Record<string, { hosts?: string[]; children?: string[] }> & {
      _meta: { hostvars: Record<string, Record<string, unknown>> };
    };
    assert.deepEqual(inv.app?.hosts, [app]);
    assert.deepEqual(inv.knowledge?.hosts, [kb]);
    assert.deepEqual([...(inv.demo?.hosts ?? [])].sort(), [app, kb].sort());
    assert.ok(inv.all?.children?.includes('app') && inv.all.children.includes('demo'));
    const vars = inv._meta.hostvars[kb!]!;
    assert.equal(vars.ec2_instance_id, kb);
    assert.equal(vars.ansible_connection, 'local');
    assert.equal(vars.fragctl_sandbox, true);
    assert.equal(vars.deploy_root, join(dir, '.fragctl', 'hosts', kb!));
    assert.equal(vars.db_host, 'db.demo.internal');
    assert.equal(vars.knowledge_host, '10.0.0.7');
    assert.deepEqual(vars.stack_outputs, { DatabaseEndpoint: 'db.demo.internal', KnowledgeHost: '10.0.0.7' });
    const one = await fragctl(['demo', 'inventory', '--host', kb!, '--project-dir', dir], { env: env() });
    assert.equal(one.code, 0, one.stderr);
    assert.equal((JSON.parse(one.stdout) as { ec2_group: string }).ec2_group, 'knowledge');
  });

  it('the demo deploys with the local connection, one directory per instance', async () => {
    const [app] = await launch(tagged('demo', 'app'));
    const [kb] = await launch(tagged('demo', 'knowledge'));
    const r = await fragctl(['demo', 'deploy', '--roles', 'knowledge', '--project-dir', dir], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, '.fragctl', 'hosts', kb!, 'etc', 'systemd', 'system', 'frag-knowledge.service')));
    assert.ok(!existsSync(join(dir, '.fragctl', 'hosts', app!)));
    assert.match(r.stdout, new RegExp(`${kb}\\s+frag-demo-knowledge\\s+knowledge\\s+changed`));
  });

  it('the tag contract names the instances that break it; no hosts is a clear error', async () => {
    const empty = await fragctl(['demo', 'deploy', '--project-dir', dir], { env: env() });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /environment demo has no hosts: no instance is tagged App=frag, Env=demo/);
    await launch(tagged('demo', 'app'));
    const [untagged] = await launch({ App: 'frag', Env: 'demo' });
    const [stopped] = await launch(tagged('demo', 'knowledge'));
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));
    // an instance of the stack without the App/Env tags is found through the stack's own tag
    const cfn = new CloudFormationClient({ endpoint: moto.url, region: 'us-east-1', credentials: creds });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'frag-demo',
        TemplateBody: JSON.stringify({
          Resources: {
            Stray: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-12c6146b', Tags: [{ Key: 'Group', Value: 'app' }] } },
          },
        }),
      }),
    );
    const r = await fragctl(['demo', 'deploy', '--project-dir', dir], { env: env() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /break the tag contract/);
    assert.ok(r.stderr.includes(`${untagged} lacks the tags Name, Group`), r.stderr);
    assert.ok(r.stderr.includes(`${stopped} (knowledge) is stopped`), r.stderr);
    assert.match(r.stderr, /i-\w+ lacks the tags Name, App, Env/);
    assert.ok(!existsSync(join(dir, '.fragctl', 'hosts', stopped!)));
  });

  it('planDeploy lists the roles in deploy_order with the hosts each playbook targets (no connection)', async () => {
    const [app] = await launch(tagged('staging', 'app'));
    const [kb] = await launch(tagged('staging', 'knowledge'));
    const project = loadProject(dir);
    const ctx = {
      project,
      env: loadEnvironment(project, 'staging'),
      io: {
        emit: () => undefined,
        stream: () => undefined,
        progress: () => ({ update() {}, succeed() {}, fail() {} }),
        confirm: async () => false,
      },
      options: { yes: false, dryRun: true, verbose: false, interactive: false, pollIntervalMs: 20 },
      aws: new AwsClients({ region: 'us-east-1', endpointUrl: moto.url }),
      signal: new AbortController().signal,
    } as Context;
    assert.deepEqual(await planDeploy(ctx), [
      { role: 'database', playbook: 'playbooks/database.yml', hosts: [app] },
      { role: 'knowledge', playbook: 'playbooks/knowledge.yml', hosts: [kb] },
      { role: 'app', playbook: 'playbooks/app.yml', hosts: [app] },
    ]);
    await moto.reset();
    assert.deepEqual(
      (await planDeploy(ctx)).map((p) => [p.role, p.hosts.length]),
      [
        ['database', 0],
        ['knowledge', 0],
        ['app', 0],
      ],
    );
  });

  it('never connects to instances the emulator made up', async () => {
    await launch(tagged('staging', 'app'));
    for (const args of [['deploy'], ['ssh', 'app', '--', 'true'], ['inventory', '--list']]) {
      const r = await fragctl(['staging', ...args, '--project-dir', dir], { env: env() });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /come from a local AWS endpoint .* they do not exist/);
      assert.match(r.stderr, /connection: local/);
    }
    const demo = await fragctl(['demo', 'ssh', 'app', '--project-dir', dir], { env: env() });
    assert.equal(demo.code, 2);
    assert.match(demo.stderr, /the hosts of demo do not exist/);
  });
});
