/**
 * With throttling errors and dropped connections injected between fragctl and moto, commission
 * and decommission still reach the same end state (the SDK's retries absorb the faults).
 * Roles slim (test/helpers/slim.ts): the subject is the network to AWS, not what the roles do.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { nodeScript, ROOT } from '../../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { cliEnv, clients, lifecycleProject, run, show } from './helpers.js';

describe('aws lifecycle through a faulty network', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let dir: string;
  let aws: ReturnType<typeof clients>;

  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.url, { throttleEvery: 3, dropEvery: 5 });
    dir = lifecycleProject({ slim: true });
    aws = clients(moto.url);
    const baked = await run(dir, moto.url, ['demo', 'bake']);
    assert.equal(baked.code, 0, show(baked));
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  it('commission reaches CREATE_COMPLETE, once', async () => {
    const r = await run(dir, proxy.url, ['demo', 'commission', '--no-deploy', '--verbose']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /stack frag-demo created: CREATE_COMPLETE/);
    assert.doesNotMatch(r.stderr, /could not|WITHOUT the lock/, 'the lock and run record survive the faults too');
    const stacks = (await aws.cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    assert.deepEqual(
      stacks.map((s) => [s.StackName, s.StackStatus]),
      [['frag-demo', 'CREATE_COMPLETE']],
    );
    assert.ok(proxy.stats.throttled >= 2 && proxy.stats.dropped >= 1, JSON.stringify(proxy.stats));
  });

  it('decommission takes the final snapshot and deletes the stack', async () => {
    const before = { ...proxy.stats };
    const r = await run(dir, proxy.url, ['demo', 'decommission', '--yes']);
    assert.equal(r.code, 0, show(r));
    assert.doesNotMatch(r.stderr, /could not|WITHOUT the lock/);
    const id = /frag-demo-db-final-[\w-]+/.exec(r.stdout)?.[0];
    assert.ok(id, r.stdout);
    const snap = await aws.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    assert.equal(snap.DBSnapshots?.[0]?.Status, 'available');
    const left = await aws.cfn.send(new DescribeStacksCommand({ StackName: 'frag-demo' })).then(
      (o) => o.Stacks?.[0]?.StackStatus,
      (e: Error) => e.message,
    );
    assert.match(String(left), /DELETE_COMPLETE|does not exist/);
    assert.ok(proxy.stats.throttled > before.throttled && proxy.stats.dropped > before.dropped, JSON.stringify(proxy.stats));
  });

  it('Ctrl-C during a wait stops the waiting, not the creation: exit 130 and how to follow it', async () => {
    // Every stack status read through this proxy says CREATE_IN_PROGRESS: the wait never ends by itself.
    const stall = await startFaultProxy(moto.url, {
      throttleEvery: 1e9,
      dropEvery: 1e9,
      rewrite: (b) => b.replace(/<StackStatus>CREATE_COMPLETE</g, '<StackStatus>CREATE_IN_PROGRESS<'),
    });
    try {
      const child = spawn(
        process.execPath,
        [...nodeScript(join(ROOT, 'bin', 'fragctl.ts')), 'demo', 'commission', '--no-deploy', '--project-dir', dir],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...cliEnv(dir, stall.url),
            CI: 'true',
            NO_COLOR: '1',
            FRAGCTL_POLL_INTERVAL_MS: '20',
            PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      let interrupted = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/create frag-demo/.test(stderr) && !interrupted) {
          interrupted = true; // one Ctrl-C: a second one exits at once, by design
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 130, `${stderr}\n${JSON.stringify(stall.stats)}`);
      assert.match(stderr, /stopped waiting: the creation goes on \(CREATE_IN_PROGRESS\) on AWS for stack frag-demo/);
      assert.match(stderr, /fragctl demo status --watch/);
      const stacks = (await aws.cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
      assert.ok(
        stacks.some((s) => s.StackName === 'frag-demo' && s.StackStatus === 'CREATE_COMPLETE'),
        'the creation was not cancelled',
      );
    } finally {
      await stall.close();
    }
  });
});
