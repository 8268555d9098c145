// Starts the test control plane for one run of the tests (scripts/cluster.sh in a temporary state
// directory) and stops it again, also when the run is interrupted.
//
// It starts in the background: the test files begin meanwhile (those that need no cluster compute
// while it comes up, instead of a core idling for its five seconds). test/helpers/cluster.ts waits for
// the state directory's `env` file, which cluster.sh writes once the cluster is ready, or fails at
// once on the `failed` file written here when the start fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

/** `{ state, started, stop }`: `started` resolves to true once it is ready, false when it failed (said on stderr). */
export function startTestCluster() {
  const state = mkdtempSync(join(tmpdir(), 'fragctl-cluster-'));
  const t0 = Date.now();
  const child = spawn('bash', ['scripts/cluster.sh', 'start', '--state', state], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const started = new Promise((resolve) => {
    const failed = (why) => {
      const message = `the Kubernetes test cluster did not start (${why}); the Kubernetes tests cannot run\n${log}`;
      writeFileSync(join(state, 'failed'), message);
      console.error(`tests: ${message}`);
      resolve(false);
    };
    child.on('error', (e) => failed(e.message));
    child.on('close', (code) => {
      if (code !== 0) return failed(`exit ${code}`);
      console.error(`tests: Kubernetes test cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      resolve(true);
    });
  });
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGKILL'); // a start still running (the run was interrupted): its processes are in the state's pid files
    spawnSync('bash', ['scripts/cluster.sh', 'stop', '--state', state], { stdio: 'ignore' });
    rmSync(state, { recursive: true, force: true });
  };
  process.on('exit', stopNow);
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
      stopNow();
      process.exit(130);
    });
  // At the end of a run: after the start has ended, so that every process it started is in the pid files.
  const stop = async () => {
    await started;
    stopNow();
  };
  return { state, started, stop };
}
