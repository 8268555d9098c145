/**
 * The run's Kubernetes client as the core gets it: one per run and environment, with the
 * environment's request_timeout and the run's abort signal. A local node:http server that never
 * answers plays the cluster (a real API server cannot be made to hang on cue).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectKube } from '../../../src/core/kube/connect.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { localServer, type LocalServer } from '../../unit/kube/local-server.js';
import { testContext } from '../../helpers/context.js';
import { kubeProject, type KubeProject } from './setup.js';

let server: LocalServer;
let p: KubeProject;

const kubeconfig = (url: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'current-context: local',
    'clusters:',
    '- name: local',
    `  cluster: {server: "${url}"}`,
    'contexts:',
    '- name: local',
    '  context: {cluster: local, user: u}',
    'users:',
    '- name: u',
    '  user: {token: t}',
    '',
  ].join('\n');

describe('the run client from the environment', () => {
  before(async () => {
    server = await localServer(() => undefined); // accepts, never answers
    p = kubeProject(kubeconfig(server.url));
    p.writeEnv(
      'slow',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/shop\n  verify_image: false\n  request_timeout: 300ms\n`,
    );
  });
  after(() => server.close());

  it('one client per run, with the environment request_timeout', async () => {
    const ctx = testContext({ dir: p.dir, env: 'slow' });
    const api = await connectKube(ctx);
    assert.equal(await connectKube(ctx), api, 'the same client for the whole run');
    assert.equal(api.timeoutMs, 300);
    assert.notEqual(await connectKube(testContext({ dir: p.dir, env: 'slow' })), api, 'another run gets its own');
    await assert.rejects(api.get('Namespace', 'x'), /did not answer in 300 ms \(GET Namespace\)/);
  });

  it('the default timeout is 30 s, and the run abort stops a request at once', async () => {
    const run = new AbortController();
    const api = await connectKube(testContext({ dir: p.dir, env: 'kube-staging', signal: run.signal }));
    assert.equal(api.timeoutMs, 30_000);
    setTimeout(() => run.abort(), 100);
    const started = Date.now();
    await assert.rejects(api.get('Namespace', 'x'), InterruptedError);
    assert.ok(Date.now() - started < 1000);
  });

  it('a request_timeout that is not a duration is refused with its path', async () => {
    p.writeEnv('badtimeout', `platform: kubernetes\nkubernetes:\n  kubeconfig: ${p.kubeconfig}\n  request_timeout: soon\n`);
    const r = await p.run(['badtimeout', 'status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /kubernetes\.request_timeout.*a duration such as 30s, 2m or 500ms/);
  });
});
