/**
 * Issue 11: the legacy-aws repository's ec2.py-style playbook (`hosts: tag_Name_{{ app_name }}-{{ env_name }}-app`,
 * `{{ ec2_private_dns_name }}`) deployed unchanged by commission, then by deploy: moto for AWS, real ansible-playbook
 * over real sshd stand-ins on loopback (`aws.connection: loopback`; nothing connects to moto's addresses).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ROOT } from '../../helpers/cli.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { clients, run, show } from './helpers.js';

describe('the legacy-aws repository deployed with its ec2.py-style playbook', () => {
  let moto: Moto;
  let ssh: SshHosts;
  let dir: string;
  const ENV = { FRAGCTL_DB_PASSWORD: 'legacy-password-1', FRAGCTL_VAULT_PASSWORD_FILE: undefined };

  before(async () => {
    [moto, ssh] = await Promise.all([startMoto(), startSshHosts(2)]);
    dir = mkdtempSync(join(tmpdir(), 'fragctl-legacy-'));
    cpSync(join(ROOT, 'test', 'fixtures', 'legacy-aws'), dir, { recursive: true });
    copyFileSync(ssh.privateKey, join(dir, 'keys', 'legacy-deploy.pem'));
    chmodSync(join(dir, 'keys', 'legacy-deploy.pem'), 0o600);
    const stand = (n: number): Record<string, unknown> => {
      const h = ssh.hosts[n]!;
      return {
        address: h.address,
        port: h.port,
        user: h.user,
        vars: { deploy_root: h.deployRoot, ansible_python_interpreter: '/usr/bin/python3' },
      };
    };
    writeFileSync(
      join(dir, 'environments', 'rehearsal.yml'),
      JSON.stringify(
        {
          platform: 'aws',
          aws: { connection: 'loopback', loopback_hosts: { app: [stand(0)], image: [stand(1)] } },
        },
        null,
        2,
      ),
    );
  });
  after(async () => {
    await Promise.all([moto?.stop(), ssh?.stop()]);
  });

  it('commission bakes, creates the stack and deploys app.yml on the app server', async () => {
    const r = await run(dir, moto.url, ['rehearsal', 'commission'], ENV);
    assert.equal(r.code, 0, show(r));
    const aws = clients(moto.url);
    const stack = (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'legacy-rehearsal' }))).Stacks![0]!;
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    const [app, image] = ssh.hosts.map((h) => h.deployRoot);
    assert.equal(readFileSync(join(image!, 'common.txt'), 'utf8'), 'common role for legacy\n', 'the image was provisioned');
    const conf = readFileSync(join(app!, 'app.conf'), 'utf8');
    // ec2_private_dns_name is the app server's, from moto (never connected to)
    const reservations =
      (await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['legacy-rehearsal-app'] }] })))
        .Reservations ?? [];
    const instance = reservations.flatMap((x) => x.Instances ?? [])[0]!;
    assert.equal(conf, `host = ${instance.PrivateDnsName}\nport = 8000\n`);
    assert.ok(!existsSync(join(image!, 'app.conf')), 'the app playbook ran on the image stand-in');
    assert.match(r.stderr, /PLAY \[Deploy the app servers\]/);
  });

  it('deploy runs the same playbook again: a lost file comes back, nothing else changes, and hosts/status find the server', async () => {
    const app = ssh.hosts[0]!.deployRoot;
    const conf = readFileSync(join(app, 'app.conf'), 'utf8');
    rmSync(join(app, 'app.conf'));
    const r = await run(dir, moto.url, ['rehearsal', 'deploy'], ENV);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /PLAY \[Deploy the app servers\]/);
    assert.equal(readFileSync(join(app, 'app.conf'), 'utf8'), conf, 'the lost file is back, as it was');
    const again = await run(dir, moto.url, ['rehearsal', 'deploy'], ENV);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stderr, /changed=0/, 'a second deploy changes nothing');

    const hosts = await run(dir, moto.url, ['rehearsal', 'hosts', '--json'], ENV);
    assert.equal(hosts.code, 0, show(hosts));
    const rows = JSON.parse(hosts.stdout) as Array<{ group: string; name: string; state: string }>;
    assert.ok(
      rows.some((h) => h.group === 'app' && h.name === 'legacy-rehearsal-app' && h.state === 'running'),
      hosts.stdout,
    );
    const status = await run(dir, moto.url, ['rehearsal', 'status'], ENV);
    assert.equal(status.code, 0, show(status));
    assert.match(status.stdout, /legacy-rehearsal/);
  });
});
