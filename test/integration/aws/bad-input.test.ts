/** Bad input stops every verb with a clear error (exit 2) before anything is created in moto. */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startMoto, freePort, type Moto } from '../../helpers/moto.js';
import { clients, lifecycleProject, run, show } from './helpers.js';

describe('aws lifecycle: bad input', () => {
  let moto: Moto;
  let aws: ReturnType<typeof clients>;
  let dir: string;
  const nothingCreated = async (): Promise<void> => {
    const stacks = await aws.cfn.send(new ListStacksCommand({}));
    assert.equal(stacks.StackSummaries?.length ?? 0, 0, 'no stack');
    const instances = await aws.ec2.send(new DescribeInstancesCommand({}));
    assert.equal(instances.Reservations?.length ?? 0, 0, 'no instance');
    const images = await aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.equal(images.Images?.length ?? 0, 0, 'no image');
  };

  before(async () => {
    moto = await startMoto();
    aws = clients(moto.url);
  });
  after(async () => moto?.stop());
  beforeEach(async () => {
    await moto.reset();
    dir = lifecycleProject();
  });

  it('a missing key file (SSH connection)', async () => {
    rmSync(join(dir, 'keys', 'frag-deploy.pem'), { force: true });
    for (const verb of ['bake', 'commission']) {
      const r = await run(
        dir,
        moto.url,
        ['staging', verb, '--no-deploy'].filter((a) => verb === 'commission' || a !== '--no-deploy'),
      );
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /missing SSH private key keys\/frag-deploy\.pem/);
      assert.match(r.stderr, /hint:/);
    }
    await nothingCreated();
  });

  it('an image playbook that does not exist', async () => {
    rmSync(join(dir, 'playbooks', 'image.yml'));
    for (const args of [
      ['demo', 'bake'],
      ['demo', 'commission', '--no-deploy'],
    ]) {
      const r = await run(dir, moto.url, args);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /image playbook playbooks\/image\.yml does not exist/);
    }
    await nothingCreated();
  });

  it('a setting whose stack parameter the template does not declare', async () => {
    const file = join(dir, 'formations', 'database.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('  DbAllocatedStorage: { Type: Number, Default: 20 }\n', '')
        .replace('!Ref DbAllocatedStorage', '20'),
    );
    const r = await run(dir, moto.url, ['demo', 'commission', '--no-deploy']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /setting db_allocated_storage maps to stack parameter DbAllocatedStorage, which no formation declares/);
    await nothingCreated();
  });

  it('an environment name too long for the resource names', async () => {
    const name = 'integration-staging-east1';
    writeFileSync(join(dir, 'environments', `${name}.yml`), 'platform: aws\n');
    const r = await run(dir, moto.url, [name, 'commission', '--no-deploy']);
    assert.equal(r.code, 2, show(r));
    assert.match(
      r.stderr,
      /environment name "integration-staging-east1" is too long: "frag-integration-staging-east1-lb" exceeds 32 characters/,
    );
    await nothingCreated();
  });

  it('missing credentials against a real (non-local) endpoint: refused before any request', async () => {
    // A loopback listener that records connections; the endpoint spells it so that fragctl does
    // not take it for a local emulator (which gets dummy credentials).
    const port = await freePort();
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const home = mkdtempSync(join(tmpdir(), 'fragctl-home-'));
    try {
      for (const args of [
        ['demo', 'status'],
        ['demo', 'commission', '--no-deploy'],
        ['demo', 'decommission', '--yes'],
      ]) {
        const r = await run(dir, moto.url, [...args, '--endpoint-url', `http://[::ffff:127.0.0.1]:${port}`], {
          HOME: home,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: join(home, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
          AWS_ENDPOINT_URL: undefined,
        });
        assert.equal(r.code, 2, show(r));
        assert.match(r.stderr, /no AWS credentials found/);
        assert.match(r.stderr, /hint: .*AWS_PROFILE/);
      }
      assert.equal(connections, 0, 'no request was sent');
      assert.ok(!existsSync(join(home, '.aws')));
    } finally {
      server.close();
      rmSync(home, { recursive: true, force: true });
    }
    await nothingCreated();
  });
});
