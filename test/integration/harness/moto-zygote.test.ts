/**
 * The run's moto zygote (test/helpers/moto-zygote.py), held to what a moto server of a file's own
 * gives: every server forked from it is a fresh moto that shares nothing with the others, hands out
 * its own resource ids, has the default VPC a new moto has, and ends when the test stops it or when
 * the zygote's parent goes. Also the path without a zygote (a file run on its own): moto-serial.py.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ROOT } from '../../helpers/cli.js';
import { peerCpuCounted, startMoto, type Moto } from '../../helpers/moto.js';

let dir = '';
let zygote: ChildProcessWithoutNullStreams;
let socket = '';
const runZygote = process.env.FRAGCTL_TEST_MOTO_ZYGOTE;

const ec2 = (moto: Moto) =>
  new EC2Client({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const vpcs = async (moto: Moto) => ((await ec2(moto).send(new DescribeVpcsCommand({}))).Vpcs ?? []).map((v) => v.CidrBlock).sort();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fragctl-zygote-'));
  socket = join(dir, 'moto.sock');
  zygote = spawn(join(ROOT, '.venv', 'bin', 'python'), [join(ROOT, 'test', 'helpers', 'moto-zygote.py'), socket], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  });
  let stderr = '';
  zygote.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    zygote.stdout.once('data', () => resolve());
    zygote.once('exit', (code) => reject(new Error(`the zygote exited (${code}): ${stderr}`)));
  });
  process.env.FRAGCTL_TEST_MOTO_ZYGOTE = socket;
});

after(() => {
  if (runZygote === undefined) delete process.env.FRAGCTL_TEST_MOTO_ZYGOTE;
  else process.env.FRAGCTL_TEST_MOTO_ZYGOTE = runZygote;
  zygote.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('servers forked from one zygote are separate mocks: own state, own ids, a fresh default VPC each', async () => {
  const [a, b] = [await startMoto(), await startMoto()];
  try {
    assert.notEqual(a.port, b.port);
    // The same first call on both: forked from one process, they would draw the same ids unless reseeded.
    const [inA, inB] = await Promise.all([a, b].map((m) => ec2(m).send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))));
    assert.ok(inA?.Vpc?.VpcId && inB?.Vpc?.VpcId);
    assert.notEqual(inA.Vpc.VpcId, inB.Vpc.VpcId, 'each server draws its own ids');
    assert.deepEqual(await vpcs(a), ['10.1.0.0/16', '172.31.0.0/16'], 'the new VPC beside the default one a new moto has');
    assert.deepEqual(await vpcs(b), ['10.1.0.0/16', '172.31.0.0/16'], 'b holds its own VPC only, not a second one from a');
    await a.reset();
    assert.deepEqual(await vpcs(a), ['172.31.0.0/16'], 'a reset clears only its own server');
    assert.deepEqual(await vpcs(b), ['10.1.0.0/16', '172.31.0.0/16']);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("stop() ends the server and counts its CPU as the file's; the zygote's end takes the rest with it", async () => {
  const before = peerCpuCounted();
  const stopped = await startMoto();
  await vpcs(stopped); // loads the EC2 backend: some CPU to count
  await stopped.stop();
  assert.ok(peerCpuCounted() > before, `the stopped server's CPU is counted (${before} → ${peerCpuCounted()} ms)`);
  await assert.rejects(fetch(`${stopped.url}/moto-api/`), 'nothing listens after stop()');

  const left = await startMoto();
  assert.deepEqual(await vpcs(left), ['172.31.0.0/16']);
  const ended = new Promise((resolve) => zygote.once('exit', resolve));
  zygote.stdin.end(); // what happens when the run's process goes
  await ended;
  for (const deadline = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 50))) {
    const served = await fetch(`${left.url}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (!served) break;
    assert.ok(Date.now() < deadline, 'a server the file left running outlived the zygote');
  }
});

test('without a zygote (a file run on its own) startMoto() starts a moto server of its own', async () => {
  delete process.env.FRAGCTL_TEST_MOTO_ZYGOTE;
  const own = await startMoto();
  try {
    assert.deepEqual(await vpcs(own), ['172.31.0.0/16']);
  } finally {
    await own.stop();
  }
  await assert.rejects(fetch(`${own.url}/moto-api/`));
});
