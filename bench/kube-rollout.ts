/**
 * Kubernetes rollout benchmark (issues 5 and 9), against the real test control plane, which this
 * benchmark starts itself (scripts/test-cluster.mjs, from the cached binaries):
 *  1. control plane up: etcd, kube-apiserver, controller-manager, scheduler and the KWOK node all
 *     ready. Target: at most 30 s.
 *  2. how long after the StatefulSet status becomes complete (when the first of fragctl's watch and
 *     an independent watch of our own in this process sees it) fragctl's version-change notices
 *     it, over several version-changes of 2 pods; the peer is `kubectl rollout status` started on
 *     the same rollout (its lag includes its own exit), and the ratio is printed. Target: < 1 s.
 *  3. how many API requests a version-change on a ready stack makes (fragctl's KubeClient counts
 *     them). Target: at most 8. The CLI's run lock and record are not counted: this runs the core
 *     in-process. kubectl's requests for its `rollout status` alone are printed beside it.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startTestCluster } from '../scripts/test-cluster.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MAX_UP_MS = 30_000;
const MAX_LAG_MS = 1000;
const MAX_REQUESTS = 8;

const upStarted = performance.now();
const cluster = startTestCluster();
const upMs = performance.now() - upStarted;
process.env.FRAGCTL_TEST_CLUSTER = cluster.state;

// Imported after the cluster is up: the helpers read its state directory.
const { testCluster, uniqueSuffix } = await import('../test/helpers/cluster.js');
const { kubeProject } = await import('../test/integration/kube/setup.js');
const { testContext } = await import('../test/helpers/context.js');
const { deployKube } = await import('../src/core/kube/deploy.js');
const { versionChange } = await import('../src/core/kube/version-change.js');
const { connectKube } = await import('../src/core/kube/connect.js');
const { rolloutState } = await import('../src/core/kube/rollout.js');
const { KubeClient } = await import('../src/providers/kube/client.js');
const { loadKubeTarget } = await import('../src/providers/kube/config.js');

const APP = `kbench${uniqueSuffix()}`;
const NS = `${APP}-kube-staging`;
const c = testCluster();
const p = kubeProject(c.kubeconfigText, undefined, APP);
await deployKube(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'latest-1' });

/** `kubectl rollout status` on the rollout now starting: resolves with when it exited and how many API requests it made. */
function kubectlRolloutStatus(): Promise<{ exitedAt: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      c.kubectl,
      ['--kubeconfig', c.kubeconfig, '-v=6', '-n', NS, 'rollout', 'status', 'statefulset/app', '--timeout=60s'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const exitedAt = performance.now();
      if (code !== 0) reject(new Error(`kubectl rollout status exited ${code}: ${log.slice(-500)}`));
      else resolve({ exitedAt, requests: (log.match(/"Response" verb=/g) ?? []).length });
    });
  });
}

// An independent watch of the app's StatefulSet: when its status becomes complete, and when a new
// spec (generation) appears, which is when kubectl rollout status is started.
const observer = new KubeClient(await loadKubeTarget({ kubeconfig: c.kubeconfig }));
const stop = new AbortController();
let completedAt = 0;
let lastGeneration = 0;
let onNewSpec: (() => void) | undefined;
const watching = (async () => {
  const first = (await observer.get('StatefulSet', 'app', NS))!;
  lastGeneration = first.metadata.generation ?? 0;
  let rv = first.metadata.resourceVersion;
  while (!stop.signal.aborted) {
    for await (const ev of observer.watch(
      'StatefulSet',
      NS,
      { fieldSelector: 'metadata.name=app', resourceVersion: rv, timeoutSeconds: 300 },
      stop.signal,
    )) {
      if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
      rv = ev.object.metadata.resourceVersion;
      if ((ev.object.metadata.generation ?? 0) > lastGeneration) {
        lastGeneration = ev.object.metadata.generation ?? 0;
        onNewSpec?.();
      }
      if (rolloutState(ev.object).done && !completedAt) completedAt = performance.now();
    }
  }
})();

const lags: number[] = [];
const kubectlLags: number[] = [];
let requests = 0;
let kubectlRequests = 0;
let byCall: Record<string, number> = {};
for (let i = 0; i < RUNS; i++) {
  const ctx = testContext({ dir: p.dir, env: 'kube-staging' });
  let noticedAt = 0;
  const emit = ctx.io.emit.bind(ctx.io);
  ctx.io.emit = (ev) => {
    if (ev.code === 'rollout.done' && !noticedAt) noticedAt = performance.now();
    emit(ev);
  };
  completedAt = 0;
  let peer: Promise<{ exitedAt: number; requests: number }> | undefined;
  onNewSpec = () => (peer = kubectlRolloutStatus());
  await versionChange(ctx, { tag: `latest-${i + 2}`, timeoutMs: 60_000 });
  // The wait of every workload updates its live view on each state it sees, the last one when the
  // last workload is done (the single-StatefulSet wait emitted rollout.done instead).
  noticedAt ||= ctx.io.updates.at(-1)?.at ?? 0;
  const api = await connectKube(ctx);
  requests = api.totalCalls();
  byCall = Object.fromEntries(api.calls);
  if (!peer) throw new Error('the new spec was not seen by the observing watch');
  const kubectlRun = await peer;
  if (!completedAt || !noticedAt)
    throw new Error(`the rollout completion was not seen (observer: ${completedAt ? 'yes' : 'no'}, fragctl: ${noticedAt ? 'yes' : 'no'})`);
  // Both watches get the same event from the server; the status became complete when the first saw it.
  const completed = Math.min(completedAt, noticedAt);
  lags.push(noticedAt - completed);
  kubectlLags.push(kubectlRun.exitedAt - completed);
  kubectlRequests = kubectlRun.requests;
}
stop.abort();
await watching.catch(() => undefined);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const worst = Math.max(...lags);
console.log(
  `control plane up (etcd, apiserver, controllers, scheduler, KWOK node ready): ${(upMs / 1000).toFixed(1)} s (target ≤ ${MAX_UP_MS / 1000} s)`,
);
console.log(`${RUNS} version-changes of 2 pods on the real controllers`);
console.log(
  `status complete → fragctl notices: median ${median(lags).toFixed(1)} ms, worst ${worst.toFixed(1)} ms (target < ${MAX_LAG_MS} ms)`,
);
console.log(
  `status complete → kubectl rollout status exits: median ${median(kubectlLags).toFixed(1)} ms, worst ${Math.max(...kubectlLags).toFixed(1)} ms`,
);
console.log(`ratio fragctl / kubectl (medians): ${(median(lags) / median(kubectlLags)).toFixed(2)}×`);
console.log(
  `API requests of one version-change on a ready stack: ${requests} (target ≤ ${MAX_REQUESTS}); kubectl rollout status alone: ${kubectlRequests} (ratio ${(requests / Math.max(1, kubectlRequests)).toFixed(2)}×)`,
);
for (const [k, n] of Object.entries(byCall).sort()) console.log(`  ${n} × ${k}`);
const ok = upMs <= MAX_UP_MS && worst < MAX_LAG_MS && requests <= MAX_REQUESTS;
console.log(ok ? 'ok: targets met' : 'FAIL: a target was missed');
cluster.stop();
process.exit(ok ? 0 : 1);
