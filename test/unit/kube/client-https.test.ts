/**
 * The Kubernetes module against an HTTPS server as real clusters are reached: a CA from the
 * kubeconfig, a bearer token, and a context chosen by name. A server with another CA is refused.
 * Why a local node:https server and not the test control plane: it presents a certificate of
 * another CA on cue and shows the exact request (token header, path) the client sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeTarget } from '../../../src/providers/kube/config.js';
import { KubeClient } from '../../../src/providers/kube/client.js';

const dir = mkdtempSync(join(tmpdir(), 'fragctl-kube-tls-'));
let server: Server;
let url: string;
const seen: Array<{ path: string; auth?: string }> = [];

function cert(name: string): { key: string; cert: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

function kubeconfig(ca: string, file: string): string {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: other',
    'clusters:',
    '- name: tls',
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
    'contexts:',
    '- name: other',
    '  context: {cluster: tls, user: nobody}',
    '- name: prod',
    '  context: {cluster: tls, user: admin}',
    'users:',
    '- name: admin',
    '  user: {token: s3cr3t-token}',
    '- name: nobody',
    '  user: {}',
    '',
  ].join('\n');
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

describe('kube client over TLS', () => {
  let good: { key: string; cert: string };
  before(async () => {
    good = cert('server');
    server = createServer(good, (req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', resourceVersion: '1' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('trusts the kubeconfig CA and sends the context user token', async () => {
    const target = await loadKubeTarget({ kubeconfig: kubeconfig(good.cert, 'good'), context: 'prod' });
    assert.equal(target.context, 'prod');
    const api = new KubeClient(target);
    const ns = await api.get('Namespace', 'x');
    assert.equal(ns?.metadata.name, 'x');
    assert.deepEqual(seen.at(-1), { path: '/api/v1/namespaces/x', auth: 'Bearer s3cr3t-token' });
    assert.equal(api.totalCalls(), 1);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const other = cert('other');
    const target = await loadKubeTarget({ kubeconfig: kubeconfig(other.cert, 'bad'), context: 'prod' });
    await assert.rejects(
      new KubeClient(target).get('Namespace', 'x'),
      /cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(.*(CERT|SIGNATURE|self.signed|verify).*\)/i,
    );
    const e = (await new KubeClient(target).get('Namespace', 'x').catch((err: unknown) => err)) as {
      exitCode: number;
      code: string;
      hint: string;
    };
    assert.equal(e.code, 'KUBE_TLS');
    assert.equal(e.exitCode, 2, 'a CA that does not match is bad input in the kubeconfig');
    assert.match(e.hint, /certificate-authority/);
  });
});
