/**
 * Kubernetes rollout benchmark (issue 5), against the fake API server in this process:
 *  1. how long after the StatefulSet controller writes the final rollout status fragctl notices
 *     it (the watch delivers it), over several version-changes; the controller's step time is the
 *     baseline and the ratio is printed. Target: under 1 s (a watch, not a poll, gets well under
 *     one step).
 *  2. how many API requests a version-change on a ready stack makes, counted by the server.
 *     Target: at most 8 (the namespace check, read the app, apply it, watch, list its pods for
 *     the digest they run, read and patch the history). The CLI's run lock and record are not
 *     counted: this runs the core in-process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKube } from '../test/fakes/kube/server.js';
import { byKind } from '../test/fakes/kube/resources.js';
import { copyProject } from '../test/helpers/cli.js';
import { kubeContext } from '../test/integration/kube/context.js';
import { deployKube } from '../src/core/kube/deploy.js';
import { versionChange } from '../src/core/kube/version-change.js';

const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NS = 'frag-kube-staging';
const MAX_REQUESTS = 8;

const kube = await startFakeKube({ stepMs: STEP_MS });
const dir = copyProject();
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'fragctl-bench-')), 'config');
writeFileSync(kubeconfig, kube.kubeconfig());
writeFileSync(join(dir, 'environments', 'kube-staging.yml'), `platform: kubernetes\nkubernetes:\n  kubeconfig: ${kubeconfig}\n  image: r.example.test/shop\n  replicas: 2\n  database: external\n  database_host: db.example.test\n`);

await deployKube(kubeContext(dir, 'kube-staging'), { tag: 'latest-1' });

// When the controller writes a status that completes the rollout (what kubectl rollout status waits for).
let completedAt = 0;
kube.store.subscribe((e) => {
  if (e.rt !== byKind('StatefulSet') || e.object.metadata.name !== 'app' || e.object.metadata.namespace !== NS) return;
  const st = (e.object.status ?? {}) as { observedGeneration?: number; readyReplicas?: number; currentRevision?: string; updateRevision?: string };
  const done = st.observedGeneration === e.object.metadata.generation && (st.readyReplicas ?? 0) >= 2 && st.currentRevision === st.updateRevision;
  if (done && !completedAt) completedAt = performance.now();
});

const lags: number[] = [];
let requests = 0;
let byCall: Record<string, number> = {};
for (let i = 0; i < RUNS; i++) {
  const ctx = kubeContext(dir, 'kube-staging');
  let noticedAt = 0;
  const emit = ctx.io.emit.bind(ctx.io);
  ctx.io.emit = (ev) => {
    if (ev.code === 'rollout.done' && !noticedAt) noticedAt = performance.now();
    emit(ev);
  };
  completedAt = 0;
  kube.requests.clear();
  await versionChange(ctx, { tag: `latest-${i + 2}` });
  requests = kube.requests.count();
  byCall = {};
  for (const r of kube.requests.filter()) {
    const key = `${r.method} ${r.path.replace(/\/namespaces\/[^/]+/, '/namespaces/NS')}${r.query.includes('watch=true') ? '?watch' : ''}`;
    byCall[key] = (byCall[key] ?? 0) + 1;
  }
  if (!completedAt || !noticedAt) throw new Error('the rollout completion was not seen');
  lags.push(noticedAt - completedAt);
}
await kube.close();

lags.sort((a, b) => a - b);
const median = lags[Math.floor(lags.length / 2)]!;
const worst = lags.at(-1)!;
console.log(`controller step (baseline): ${STEP_MS} ms; ${RUNS} version-changes of 2 pods`);
console.log(`status change → fragctl notices: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms (${(worst / STEP_MS).toFixed(3)}× a controller step)`);
console.log(`API requests of one version-change on a ready stack: ${requests} (target ≤ ${MAX_REQUESTS})`);
for (const [k, n] of Object.entries(byCall).sort()) console.log(`  ${n} × ${k}`);
const ok = worst < 1000 && requests <= MAX_REQUESTS;
console.log(ok ? 'ok: targets met' : 'FAIL: a target was missed');
process.exit(ok ? 0 : 1);
