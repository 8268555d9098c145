/**
 * `fragctl <env> hosts --json` against moto with 100 and 1,000 tagged instances, side by side with
 * (a) a bare Node process making the same paginated DescribeInstances call, and (b) Ansible's own
 * amazon.aws.aws_ec2 inventory plugin (`ansible-inventory --list`) on the same endpoint, when the
 * full `ansible` package is installed in .venv/ansible-full (see docs/benchmarks.md).
 * Targets: fragctl <= 0.6 x the plugin, and within 15% of the bare call. Exit 1 when missed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { copyProject } from '../test/helpers/cli.js';
import { startMoto } from '../test/helpers/moto.js';

import { bundle } from './lib/bundle.js';

const ROOT = join(import.meta.dirname, '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const creds = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function time(cmd: string, args: string[], env: Record<string, string>, cwd: string): { ms: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

function median(cmd: string, args: string[], env: Record<string, string>, cwd: string, check: (out: string) => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = time(cmd, args, env, cwd);
    check(r.stdout);
    times.push(r.ms);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function main(): Promise<number> {
  const moto = await startMoto();
  const dir = copyProject();
  writeFileSync(join(dir, 'environments', 'bench.yml'), 'platform: aws\naws: { connection: local }\n');
  const ec2 = new EC2Client({
    endpoint: moto.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const dist = join(ROOT, 'dist', 'fragctl.js');
  const fragctl = [existsSync(dist) ? dist : await bundle()];
  const plugin = join(ROOT, '.venv', 'ansible-full', 'bin', 'ansible-inventory');
  const pluginConfig = join(dir, 'bench.aws_ec2.yml');
  writeFileSync(
    pluginConfig,
    [
      'plugin: amazon.aws.aws_ec2',
      'regions: [us-east-1]',
      `endpoint_url: ${moto.url}`,
      'hostnames: [instance-id]',
      "filters: { 'tag:App': frag, 'tag:Env': bench, instance-state-name: [pending, running, stopping, stopped] }",
      "keyed_groups: [{ key: tags.Group, separator: '' }]",
      '',
    ].join('\n'),
  );
  const hasPlugin = existsSync(plugin);
  console.log(`fragctl: ${fragctl[0]} (the esbuild bundle); median of ${RUNS} runs`);
  if (!hasPlugin)
    console.log('aws_ec2 plugin: .venv/ansible-full is not installed (pip install ansible boto3 into it) — plugin column skipped');
  let missed = 0;
  const rows: string[] = [];
  try {
    for (const n of SIZES) {
      await moto.reset();
      const groups = ['app', 'knowledge', 'worker', 'broker'];
      for (let i = 0; i < n; i += 100) {
        const group = groups[(i / 100) % groups.length]!;
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            MinCount: Math.min(100, n - i),
            MaxCount: Math.min(100, n - i),
            InstanceType: 't3.micro',
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: [
                  { Key: 'App', Value: 'frag' },
                  { Key: 'Env', Value: 'bench' },
                  { Key: 'Group', Value: group },
                  { Key: 'Name', Value: `frag-bench-${group}` },
                ],
              },
            ],
          }),
        );
      }
      // Instances of another environment, so that the filters have something to leave out.
      await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 10,
          MaxCount: 10,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'App', Value: 'frag' },
                { Key: 'Env', Value: 'other' },
              ],
            },
          ],
        }),
      );
      const env = { ...creds, AWS_ENDPOINT_URL: moto.url, CI: 'true', NO_COLOR: '1' };
      const count = (expect: number) => (out: string) => {
        const got = out.trim().startsWith('[') ? (JSON.parse(out) as unknown[]).length : Number(out.trim());
        if (got !== expect) throw new Error(`expected ${expect} hosts, got ${got}`);
      };
      const bare = median(process.execPath, [join(ROOT, 'bench', 'hosts-bare.mjs'), moto.url, 'frag', 'bench'], env, ROOT, count(n));
      const ours = median(process.execPath, [...fragctl, 'bench', 'hosts', '--json', '--project-dir', dir], env, ROOT, count(n));
      let theirs: number | undefined;
      if (hasPlugin) {
        theirs = median(plugin, ['-i', pluginConfig, '--list'], { ...env, ANSIBLE_INVENTORY_UNPARSED_FAILED: '1' }, dir, (out) => {
          const hosts = Object.keys((JSON.parse(out) as { _meta: { hostvars: object } })._meta.hostvars).length;
          if (hosts !== n) throw new Error(`aws_ec2 listed ${hosts} hosts, expected ${n}`);
        });
      }
      const vsBare = ours / bare;
      const vsPlugin = theirs ? ours / theirs : undefined;
      if (vsBare > 1.15 || (vsPlugin !== undefined && vsPlugin > 0.6)) missed++;
      rows.push(
        `${String(n).padStart(5)}  fragctl ${ours.toFixed(0).padStart(6)} ms  bare ${bare.toFixed(0).padStart(6)} ms  ` +
          `aws_ec2 ${theirs ? `${theirs.toFixed(0).padStart(6)} ms` : '     -   '}  fragctl/bare ${vsBare.toFixed(2)} (target <= 1.15)  ` +
          `fragctl/aws_ec2 ${vsPlugin ? vsPlugin.toFixed(2) : '-'} (target <= 0.60)`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    await moto.stop();
    if (!fragctl[0]!.startsWith(join(ROOT, 'dist'))) rmSync(dirname(fragctl[0]!), { recursive: true, force: true });
  }
  console.log(missed ? `${missed} size(s) missed a target` : 'all targets met');
  return missed ? 1 : 0;
}

process.exitCode = await main();
