// Starts the test control plane for one run of the tests (scripts/cluster.sh in a temporary state
// directory) and stops it again, also when the run is interrupted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export function startTestCluster() {
  const state = mkdtempSync(join(tmpdir(), 'fragctl-cluster-'));
  const started = Date.now();
  const r = spawnSync('bash', ['scripts/cluster.sh', 'start', '--state', state], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error('tests: the Kubernetes test cluster did not start (see above); the Kubernetes tests cannot run');
    process.exit(1);
  }
  console.error(`tests: Kubernetes test cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', ['scripts/cluster.sh', 'stop', '--state', state], { stdio: 'ignore' });
    rmSync(state, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
      stop();
      process.exit(130);
    });
  return { state, stop };
}
