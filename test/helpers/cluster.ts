/**
 * The real Kubernetes control plane the tests run on (kube-apiserver, etcd, controller-manager,
 * scheduler and KWOK nodes, built by `scripts/cluster/build.sh`). scripts/run-tests.mjs starts one
 * per test run with `scripts/cluster.sh start` and passes its state directory in
 * FRAGCTL_TEST_CLUSTER; each test file takes a fresh namespace or stack of its own.
 * FRAGCTL_TEST_KUBECONFIG points the same suites at a user's own cluster instead (opt-in).
 * A missing cluster is a failure, not a skip.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeRest, resourcePath } from './kube-rest.js';

const run = promisify(execFile);

export interface TestCluster {
  /** Path of an admin kubeconfig (system:masters). */
  kubeconfig: string;
  kubeconfigText: string;
  /** A kubeconfig for the user `restricted`, who has no RBAC rights unless a test grants them. */
  restrictedKubeconfig?: string;
  /** kubectl of the server's own version. */
  kubectl: string;
  /** Whether the nodes are KWOK's (pods fail on the `fragctl.test/fail` annotation). */
  simulated: boolean;
  /** The run's own control plane, stopped and its state removed when the run ends (scripts/run-tests.mjs). */
  disposable: boolean;
}

let cached: TestCluster | undefined;

export function testCluster(): TestCluster {
  if (cached) return cached;
  const own = process.env.FRAGCTL_TEST_KUBECONFIG;
  if (own) {
    cached = {
      kubeconfig: own,
      kubeconfigText: readFileSync(own, 'utf8'),
      kubectl: process.env.FRAGCTL_TEST_KUBECTL ?? 'kubectl',
      simulated: false,
      disposable: false,
    };
    return cached;
  }
  const state = process.env.FRAGCTL_TEST_CLUSTER;
  if (state) waitForStart(state);
  if (!state || !existsSync(join(state, 'env'))) {
    throw new Error(
      'no test cluster: run the tests through `node scripts/run-tests.mjs` (it starts one), or start one with `bash scripts/cluster.sh start` and set FRAGCTL_TEST_CLUSTER to its state directory',
    );
  }
  const env = Object.fromEntries(
    readFileSync(join(state, 'env'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  cached = {
    kubeconfig: env.KUBECONFIG!,
    kubeconfigText: readFileSync(env.KUBECONFIG!, 'utf8'),
    restrictedKubeconfig: env.RESTRICTED_KUBECONFIG,
    kubectl: env.KUBECTL!,
    simulated: true,
    disposable: process.env.FRAGCTL_TEST_CLUSTER_DISPOSABLE === '1',
  };
  return cached;
}

/**
 * scripts/run-tests.mjs starts the cluster while the first files run: waits (up to two minutes) for
 * cluster.sh to write the state's `env` file, which it does once the cluster is ready, and throws at
 * once with the reason when the start failed (`failed`). Synchronous, as testCluster() is: a file asks
 * in its `before`, with nothing else to do until the cluster is there.
 */
function waitForStart(state: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + 120_000; !existsSync(join(state, 'env')); Atomics.wait(pause, 0, 0, 50)) {
    if (existsSync(join(state, 'failed'))) throw new Error(readFileSync(join(state, 'failed'), 'utf8'));
    if (Date.now() > deadline) throw new Error(`the test cluster (${state}) was not ready after two minutes`);
  }
}

/**
 * Lets go of volumes undeploy kept (reclaim policy Retain) as an operator would: the policy back to
 * Delete, so the PV controller deletes each volume's folder (/tmp/hostpath_pv/…), then the volume.
 * Deleting the PVs instead would leave their folders behind.
 */
export async function releaseKeptVolumes(volumes: string[]): Promise<void> {
  for (const volume of volumes) await kubectl(['patch', 'pv', volume, '-p', '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}']);
}

/**
 * A file's namespaces, deleted (without waiting) when it is done with them, on a cluster that
 * outlives the run: a user's own (FRAGCTL_TEST_KUBECONFIG) or one started by hand. On the run's own
 * control plane they stay until it stops, after the last file using it: emptying a namespace (the namespace
 * controller deletes its objects kind by kind while the workload controllers try to replace its pods)
 * was about a quarter of the control plane's CPU over a run, spent on a cluster about to be thrown away.
 */
export async function dropNamespaces(...names: string[]): Promise<void> {
  if (testCluster().disposable) return;
  await kubectl(['delete', 'namespace', ...names, '--ignore-not-found', '--wait=false']);
}

/** A short random suffix for names that must not collide between tests of one run. */
export const uniqueSuffix = (): string => randomBytes(3).toString('hex');

/** Runs the server's kubectl with the admin kubeconfig; rejects with its stderr on failure. */
export async function kubectl(args: string[], opts: { input?: string; kubeconfig?: string } = {}): Promise<string> {
  const c = testCluster();
  const child = run(c.kubectl, ['--kubeconfig', opts.kubeconfig ?? c.kubeconfig, ...args], { maxBuffer: 32 * 1024 * 1024 });
  if (opts.input !== undefined) {
    child.child.stdin?.end(opts.input);
  }
  const { stdout } = await child;
  return stdout;
}

export type KubeObj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  [k: string]: unknown;
};

let rest: Promise<KubeRest> | undefined;
const restClient = (): Promise<KubeRest> => (rest ??= KubeRest.open(testCluster().kubeconfig));

/** The object, or undefined when the server says NotFound. Read over the REST API (test/helpers/kube-rest.ts), as `kubectl get -o json --show-managed-fields` shows it. */
export async function getObject(kind: string, namespace: string | undefined, name: string): Promise<KubeObj | undefined> {
  const api = await restClient();
  const r = await api.get(resourcePath(await api.resource(kind), namespace, name));
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`get ${kind} ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as KubeObj;
}

/**
 * The objects of one or more kinds (`secrets,configmaps`) in `namespace` (all namespaces when not
 * given), as `kubectl get -o json` lists them: each with its apiVersion and kind, no managedFields.
 */
export async function listObjects(kind: string, namespace?: string, selector?: string): Promise<KubeObj[]> {
  const api = await restClient();
  const items: KubeObj[] = [];
  for (const one of kind.split(',')) {
    const resource = await api.resource(one);
    const query = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
    const r = await api.get(`${resourcePath(resource, namespace)}${query}`);
    if (r.status !== 200) throw new Error(`list ${one}: ${r.status} ${JSON.stringify(r.body)}`);
    for (const item of (r.body as { items: KubeObj[] }).items) {
      delete item.metadata.managedFields;
      items.push({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
    }
  }
  return items;
}

/** Polls `check` every 100 ms until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
