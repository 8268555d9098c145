/**
 * ec2.py-era playbooks unchanged: instances from moto, each played by a real sshd on a loopback
 * address (`aws.connection: loopback`; nothing ever connects to an address moto hands out). The
 * real ansible-inventory sees ec2.py's groups and variables through bin/fragctl-inventory, and a
 * playbook with `hosts: tag_Name_{{ app_name }}-{{ env_name }}-app` runs on the app host with every
 * effective setting (a key fragctl does not know included) from a vars file that is gone afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateSecurityGroupCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { copyProject, fragctl, ROOT } from '../../helpers/cli.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { filesUnder } from '../deploy/lab.js';

const run = promisify(execFile);
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const VAULT = { FRAGCTL_VAULT_PASSWORD: 'fragctl-demo-vault-password--demo-only--replace-me' };
const SECRET = 'JGKn7RtU2R8OcSsXClP9kr2Bjlwu6oaj'; // vault_db_password in the reference vault

describe('an ec2.py-compatible inventory (moto instances, sshd stand-ins)', () => {
  let moto: Moto;
  let ssh: SshHosts;
  let ec2: EC2Client;
  let dir: string;
  const ids: Record<string, string> = {};
  const env = (): Record<string, string> => ({
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    ...VAULT,
  });

  before(async () => {
    [moto, ssh] = await Promise.all([startMoto(), startSshHosts(2)]);
    ec2 = new EC2Client({ endpoint: moto.url, region: 'us-east-1', credentials: creds });
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'frag-rehearsal-app', Description: 'app' }));
    for (const group of ['app', 'knowledge']) {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.micro',
          SecurityGroups: group === 'app' ? ['frag-rehearsal-app'] : undefined,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: Object.entries({ Name: `frag-rehearsal-${group}`, App: 'frag', Env: 'rehearsal', Group: group }).map(
                ([Key, Value]) => ({ Key, Value }),
              ),
            },
          ],
        }),
      );
      ids[group] = out.Instances![0]!.InstanceId!;
    }
    dir = copyProject();
    copyFileSync(ssh.privateKey, join(dir, 'keys', 'frag-deploy.pem'));
    chmodSync(join(dir, 'keys', 'frag-deploy.pem'), 0o600);
    const stand = (n: number): Record<string, unknown> => {
      const h = ssh.hosts[n]!;
      return {
        address: h.address,
        port: h.port,
        user: h.user,
        vars: { deploy_root: h.deployRoot, ansible_python_interpreter: '/usr/bin/python3' },
      };
    };
    // all.yml says type: prod; the environment overrides it (a key fragctl does not know)
    appendFileSync(join(dir, 'playbooks', 'group_vars', 'all.yml'), 'type: prod\n');
    writeFileSync(
      join(dir, 'environments', 'rehearsal.yml'),
      JSON.stringify(
        {
          platform: 'aws',
          settings: { type: 'rehearsal' },
          aws: { connection: 'loopback', loopback_hosts: { app: [stand(0)], knowledge: [stand(1)] } },
        },
        null,
        2,
      ),
    );
    for (const f of ['legacy-ec2.yml', 'legacy-typo.yml'])
      copyFileSync(join(ROOT, 'test', 'fixtures', 'playbooks', f), join(dir, 'playbooks', f));
  });
  after(async () => {
    await Promise.all([moto?.stop(), ssh?.stop()]);
  });

  it("the real ansible-inventory sees ec2.py's groups and host variables", async () => {
    const { stdout } = await run(
      join(ROOT, '.venv', 'bin', 'ansible-inventory'),
      ['-i', join(ROOT, 'bin', 'fragctl-inventory'), '--list'],
      {
        env: {
          ...process.env,
          ...env(),
          FRAGCTL_ENV: 'rehearsal',
          FRAGCTL_PROJECT_DIR: dir,
          PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`,
        },
      },
    );
    const inv = JSON.parse(stdout) as Record<string, { hosts?: string[] }> & {
      _meta: { hostvars: Record<string, Record<string, unknown>> };
    };
    const app = ids.app!;
    for (const g of [
      'tag_Name_frag-rehearsal-app',
      'tag_Name_frag_rehearsal_app',
      'tag_Group_app',
      'ec2',
      'us-east-1',
      'type_t3_micro',
      'security_group_frag-rehearsal-app',
      'app',
    ]) {
      assert.ok(inv[g]?.hosts?.includes(app), `${app} not in group ${g}: ${JSON.stringify(Object.keys(inv))}`);
    }
    assert.ok(!inv['tag_Name_frag-rehearsal-app']!.hosts!.includes(ids.knowledge!));
    const v = inv._meta.hostvars[app]!;
    assert.match(String(v.ec2_private_dns_name), /^ip-10-/);
    assert.match(String(v.ec2_private_ip_address), /^10\./);
    assert.equal(v.ec2_tag_Name, 'frag-rehearsal-app');
    assert.equal(v.ec2_id, app);
    assert.equal(v.ec2_instance_type, 't3.micro');
    assert.match(String(v.ec2_placement), /^us-east-1[a-f]$/);
    assert.ok('ec2_public_dns_name' in v && 'ec2_ip_address' in v);
    // the connection goes to the loopback stand-in, never to what moto handed out
    assert.equal(v.ansible_host, ssh.hosts[0]!.address);
    assert.equal(v.type, 'rehearsal');
  });

  it('a playbook targeting tag_Name_{{ app_name }}-{{ env_name }}-app runs on the app host with every effective setting', async () => {
    const r = await fragctl(['rehearsal', 'deploy', '--roles', 'legacy-ec2', '--verbose', '--project-dir', dir], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const [web, kb] = ssh.hosts.map((h) => h.deployRoot);
    const got = readFileSync(join(web!, 'legacy.txt'), 'utf8');
    assert.match(got, /^private_dns=ip-10-\S+$/m);
    assert.match(got, new RegExp(`^tag_name=frag-rehearsal-app$`, 'm'));
    assert.match(got, new RegExp(`^id=${ids.app} type=t3.micro zone=us-east-1[a-f]$`, 'm'));
    assert.match(got, /^in_ec2=True in_type=True$/m);
    assert.match(got, /^in_sg=True$/m);
    assert.match(got, /^setting_type=rehearsal$/m, "the environment's override of a setting fragctl does not know reached Ansible");
    assert.ok(!existsSync(join(kb!, 'legacy.txt')), 'the knowledge host was targeted');
    assert.match(r.stderr, /deploying legacy-ec2 on 1 host/);
    // values travel in a vars file, never on the command line; it is gone afterwards
    assert.match(r.stderr, /ansible-playbook -i <tmp>\/inventory.json -e @<tmp>\/vars.json/);
    assert.ok(!/-e [a-z_]+=/.test(r.stderr));
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);
    for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(SECRET), 'a vault value in the output');
    // what config shows is what the playbook got
    const c = await fragctl(['rehearsal', 'config', '--json', '--project-dir', dir], { env: env() });
    assert.equal((JSON.parse(c.stdout) as { settings: { type: string } }).settings.type, 'rehearsal');
  });

  it('a play whose rendered pattern matches no host stops the deploy (and its --dry-run) before anything runs', async () => {
    for (const extra of [[], ['--dry-run']]) {
      const r = await fragctl(['rehearsal', 'deploy', '--roles', 'legacy-typo', ...extra, '--project-dir', dir], { env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /playbook playbooks\/legacy-typo\.yml: play "Configure the app servers" matches no host: hosts: tag_Name_frag-rehearsal-ap \(written tag_Name_\{\{ app_name \}\}-\{\{ env_name \}\}-ap\)/,
      );
      assert.match(r.stderr, /hint:\s+did you mean tag_Name_frag-rehearsal-app\?/);
      assert.ok(!r.stderr.includes('no_such_group'), 'the play marked fragctl_allow_no_hosts was reported');
      assert.ok(!r.stderr.includes('TASK ['), 'a task ran');
      assert.ok(!existsSync(join(ssh.hosts[0]!.deployRoot, 'typo.txt')));
    }
    // nothing was created on AWS: still the two instances of the setup
    const d = await ec2.send(new DescribeInstancesCommand({}));
    assert.equal(d.Reservations!.flatMap((x) => x.Instances ?? []).length, 2);
  });
});
