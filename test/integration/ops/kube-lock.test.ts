/**
 * Kubernetes: the Lease lock and the run records ConfigMap, through the real CLI against the real
 * test control plane: two version changes started together, exactly one runs. A run is kept
 * waiting with a `crash` image (its pod never becomes ready on the KWOK node).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeScript, ROOT } from '../../helpers/cli.js';
import { dropNamespaces, eventually, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from '../kube/setup.js';
import { KubeLock } from '../../../src/core/locks/kube-lock.js';
import { LockHeldError } from '../../../src/core/locks/types.js';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { loadKubeTarget } from '../../../src/providers/kube/config.js';
import type { RunRecord } from '../../../src/core/records/types.js';

const APP = `kl${uniqueSuffix()}`;
const DEV = `${APP}-alice-main`;
let p: KubeProject;
const lease = () => getObject('lease', DEV, 'fragctl-lock');
const runs = async (): Promise<RunRecord[]> =>
  Object.values(((await getObject('configmap', DEV, 'fragctl-runs'))?.data ?? {}) as Record<string, string>).map(
    (t) => JSON.parse(t) as RunRecord,
  );
const appImage = async () =>
  ((await getObject('statefulset', DEV, 'app'))!.spec!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!
    .image;

describe('Kubernetes lock and records', { concurrency: false }, () => {
  before(async () => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
  });
  after(async () => {
    await dropNamespaces(DEV);
  });

  it('a first deploy takes the Lease in the namespace it creates and records its run there', async () => {
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await lease(), undefined, 'released after the run');
    const recs = await runs();
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.verb, 'deploy');
    assert.equal(recs[0]!.outcome, 'succeeded');
    assert.equal(recs[0]!.platform, 'kubernetes');
    assert.ok(recs[0]!.touched.length > 0, 'what the deploy touched is recorded');
  });

  it('two version changes started together: exactly one runs, the other is refused with the holder', async () => {
    // crash-2 never becomes ready: the first run holds the Lease until its timeout (20 s: room for the two CLI runs below on a loaded machine).
    const first = p.run(['dev', 'version-change', '--tag', 'crash-2', '--timeout', '20s']);
    await eventually('the first run to take the Lease', lease, 20_000);
    const second = await p.run(['dev', 'version-change', '--tag', 'latest-3', '--json']);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /dev is locked by tester@\S+ since \S+ \(running version-change, pid \d+ on \S+, run \S+, last heartbeat \S+\)/,
    );
    const err = (JSON.parse(second.stdout) as { error: { code: string; exitCode: number; message: string; hint: string } }).error;
    assert.deepEqual([err.code, err.exitCode], ['ENV_LOCKED', 1]);
    assert.match(err.hint, /lock status/);
    const status = await p.run(['dev', 'lock', 'status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { locked: boolean; stale: boolean; location: string; holder: { verb: string } };
    assert.ok(
      s.holder,
      `${status.stdout}\n${((await Promise.race([first, new Promise((r) => setTimeout(() => r(undefined), 10))])) as { stderr?: string } | undefined)?.stderr ?? 'still running'}`,
    );
    assert.deepEqual([s.locked, s.stale, s.location, s.holder.verb], [true, false, `Lease ${DEV}/fragctl-lock`, 'version-change']);
    const r = await first;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /did not finish within 20 s/);
    assert.equal(await lease(), undefined, 'released after the failed run');
    // nothing of the refused run reached the cluster
    assert.match(await appImage(), /:crash-2$/);
    assert.deepEqual(
      (await runs()).filter((x) => x.verb === 'version-change').map((x) => x.outcome),
      ['failed'],
    );
    // a good tag again (fragctl replaces the stuck pod)
    const back = await p.run(['dev', 'version-change', '--tag', 'latest-2']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(
      (await runs()).filter((x) => x.verb === 'version-change').map((x) => x.outcome),
      ['failed', 'succeeded'],
    );
  });

  for (const [signal, tag] of [
    ['SIGINT', 'crash-4'],
    ['SIGTERM', 'crash-5'],
  ] as const) {
    it(`${signal} (Ctrl-C, a cancelled CI job) during a version change releases the Lease and records the run as interrupted`, async () => {
      const child = spawn(
        process.execPath,
        [...nodeScript(join(ROOT, 'bin', 'fragctl.ts')), 'dev', 'version-change', '--tag', tag, '--project-dir', p.dir],
        {
          cwd: ROOT,
          env: { ...process.env, CI: 'true', NO_COLOR: '1', FRAGCTL_POLL_INTERVAL_MS: '20', FRAGCTL_USER: 'tester', KUBECONFIG: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
      await eventually('the run to take the Lease', lease, 20_000);
      // Interrupt while it waits for the rollout: once the change is on the server, not after a fixed delay.
      await eventually('the change to be applied', async () => new RegExp(`:${tag}$`).test(await appImage()), 20_000);
      child.kill(signal);
      const code = await exited;
      assert.equal(code, 130, stderr);
      assert.equal(await lease(), undefined, 'released on Ctrl-C');
      assert.match(await appImage(), new RegExp(`:${tag}$`), 'the change stays applied: the run does not undo it');
      const rec = (await runs()).find((x) => x.args.includes(tag))!;
      assert.equal(rec.outcome, 'interrupted');
      assert.equal(rec.exitCode, 130);
    });
  }

  it('the Lease directly: one of many acquirers wins; release by another run id does nothing', async () => {
    const target = await loadKubeTarget({ kubeconfig: p.kubeconfig });
    const locks = Array.from({ length: 5 }, () => new KubeLock(new KubeClient(target), DEV, 'dev'));
    const holder = (i: number) => ({
      runId: `r${i}`,
      who: `u${i}@h`,
      host: 'h',
      pid: 1,
      since: '2026-11-22T05:00:00.000Z',
      verb: 'deploy',
    });
    const results = await Promise.allSettled(locks.map((l, i) => l.acquire(holder(i))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof LockHeldError));
    const winner = (await locks[0]!.status())!;
    await locks[0]!.release('someone-else');
    assert.equal((await locks[0]!.status())?.runId, winner.runId);
    const forced = await p.run(['dev', 'lock', 'release', '--force', '--yes']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await lease(), undefined);
  });

  it('the Lease as a lease: renewTime/leaseDurationSeconds set, a live holder elsewhere kept, an expired one taken over, every change owner-conditional', async () => {
    const target = await loadKubeTarget({ kubeconfig: p.kubeconfig });
    const lock = new KubeLock(new KubeClient(target), DEV, 'dev');
    const other = new KubeLock(new KubeClient(target), DEV, 'dev');
    const iso = (ms: number): string => new Date(Date.now() + ms).toISOString();
    const h = (runId: string, over: Record<string, unknown> = {}) => ({
      runId,
      who: `${runId}@far`,
      host: 'another-machine',
      pid: 1,
      since: iso(0),
      verb: 'deploy',
      heartbeat: iso(0),
      expires: iso(30_000),
      ...over,
    });
    await lock.acquire(h('far'));
    const spec = (await lease())!.spec as { holderIdentity: string; renewTime: string; leaseDurationSeconds: number };
    assert.equal(spec.holderIdentity, 'far@far/far');
    assert.equal(spec.leaseDurationSeconds, 30);
    assert.match(spec.renewTime, /\.\d{6}Z$/, 'MicroTime');
    await assert.rejects(other.acquire(h('near')), (e: unknown) => e instanceof LockHeldError && e.details.length === 0);
    // renewal by the owner moves renewTime; by anyone else it is refused and changes nothing
    // one clock reading for both: a Lease holds whole seconds, so a millisecond between two readings
    // would move the expiry read back from it
    const t = Date.now();
    const until = new Date(t + 45_000).toISOString();
    await lock.renew('far', new Date(t + 1000).toISOString(), until);
    const renewed = (await lease())!.spec as { renewTime: string; leaseDurationSeconds: number };
    assert.notEqual(renewed.renewTime, spec.renewTime);
    assert.equal((await other.status())?.expires, until);
    await assert.rejects(other.renew('near', iso(0), until), /the lock of dev was lost: .* now names run far/);
    assert.equal(await other.forceRelease('near'), undefined, 'force for a holder that is not there removes nothing');
    assert.equal((await other.status())?.runId, 'far');
    await lock.forceRelease('far');

    // an expired Lease (holder stopped renewing, on any host) is stale and is taken over with its resourceVersion
    await lock.acquire(h('dead', { heartbeat: iso(-60_000), expires: iso(-30_000) }));
    const results = await Promise.allSettled([other.acquire(h('n1')), lock.acquire(h('n2'))]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
    const now = (await lease())!;
    assert.match((now.spec as { holderIdentity: string }).holderIdentity, /^n[12]@far\/n[12]$/);
    assert.equal((now.spec as { leaseTransitions: number }).leaseTransitions, 1);
    await lock.forceRelease();
    assert.equal(await lease(), undefined);
  });

  it('runs reads the Kubernetes runs from the cluster, and from the cache alone when that is gone', async () => {
    const r = await p.run(['runs', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      records: Array<{ env: string; verb: string }>;
      sources: Array<{ location: string; ok: boolean; envs: string[] }>;
    };
    assert.ok(out.records.some((x) => x.env === 'dev' && x.verb === 'version-change'));
    assert.ok(
      out.sources.some((x) => x.location === `ConfigMap ${DEV}/fragctl-runs` && x.ok && x.envs.includes('dev')),
      JSON.stringify(out.sources),
    );
    // the cluster's copy alone (another operator's machine has no cache)
    const { rmSync } = await import('node:fs');
    rmSync(join(p.dir, '.fragctl', 'runs.jsonl'));
    const remote = JSON.parse((await p.run(['runs', '--json'])).stdout) as { records: Array<{ env: string; verb: string }> };
    assert.ok(remote.records.some((x) => x.env === 'dev' && x.verb === 'version-change'));
  });

  it('undeploy: the record of the run that deleted the namespace stays in the cache; later verbs leave no namespace behind', async () => {
    const r = await p.run(['dev', 'undeploy', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /could not write the run record/);
    assert.equal(await getObject('namespace', undefined, DEV), undefined, 'the namespace is gone');
    const { readFileSync } = await import('node:fs');
    const cached = readFileSync(join(p.dir, '.fragctl', 'runs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunRecord);
    assert.equal(cached.filter((x) => x.verb === 'undeploy').at(-1)!.outcome, 'succeeded');
    const vc = await p.run(['dev', 'version-change', '--tag', 'latest-6']);
    assert.notEqual(vc.code, 0);
    assert.doesNotMatch(vc.stderr, /locked|could not write/);
    assert.equal(await getObject('namespace', undefined, DEV), undefined, 'no namespace made just to lock it');
  });
});
