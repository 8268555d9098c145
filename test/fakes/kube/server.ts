/**
 * A fake Kubernetes API server for fragctl's tests: plain HTTP on 127.0.0.1, an in-memory
 * store, and controllers under the test's control. See test/integration/kube-fake.test.ts.
 *
 *   const kube = await startFakeKube({ stepMs: 10 });
 *   kube.url                                  // http://127.0.0.1:PORT
 *   kube.controllers.statefulSets.hold('ns', 'web');
 *   kube.requests.count({ method: 'PATCH' });
 *   await kube.close();
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startControllers, type Controllers } from './controllers/index.js';
import { RequestLog } from './requests.js';
import { byKind } from './resources.js';
import { Store } from './store.js';
import { createHandler } from './router.js';

export interface FakeKubeOptions {
  /** Time per controller step (pod created, pod ready, job attempt...). Default 10 ms. */
  stepMs?: number;
  /** How long a deleted namespace stays Terminating. Default 20 ms. */
  namespaceTerminationMs?: number;
  /** Create "default" ServiceAccount and "kube-root-ca.crt" ConfigMap in new namespaces, as real clusters do. Default true. */
  namespaceDefaults?: boolean;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
}

export interface FakeKube {
  url: string;
  port: number;
  store: Store;
  controllers: Controllers;
  requests: RequestLog;
  /** Pod logs served at /api/v1/namespaces/<ns>/pods/<pod>/log. */
  logs: { set(ns: string, pod: string, text: string): void; get(ns: string, pod: string): string | undefined };
  /** A kubeconfig (YAML text) pointing at this server. */
  kubeconfig(namespace?: string): string;
  close(): Promise<void>;
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const store = new Store();
  const podLogs = new Map<string, string>();
  const requests = new RequestLog();
  const openWatches = new Set<ServerResponse>();
  let host = '127.0.0.1:0';
  const server = createServer(createHandler({ store, requests, logs: podLogs, openWatches, host: () => host }));
  const controllers = startControllers(store, options.stepMs ?? 10, podLogs, {
    namespaceTerminationMs: options.namespaceTerminationMs ?? 20,
    namespaceDefaults: options.namespaceDefaults ?? true,
  });
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.create(byKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'kube-apiserver' });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  return {
    url, port, store, controllers, requests,
    logs: {
      set: (ns, pod, text) => void podLogs.set(`${ns}/${pod}`, text),
      get: (ns, pod) => podLogs.get(`${ns}/${pod}`),
    },
    kubeconfig: (namespace = 'default') => [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${url}`,
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: fake', `    namespace: ${namespace}`,
      'users:', '- name: fake', '  user: {}', '',
    ].join('\n'),
    close: async () => {
      controllers.stop();
      for (const res of openWatches) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
