/**
 * A real container registry for tests: Debian's `docker-registry` (distribution 2.8) on a free
 * loopback port with a temporary storage root, plus a way to push small test images through the
 * distribution HTTP API (a config blob, one small layer and an OCI manifest, or an index; no Docker engine).
 * A missing docker-registry is a failure, not a skip: `bash scripts/setup.sh` installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './moto.js';

export interface TestRegistry {
  url: string;
  /** host:port, the registry part of image names. */
  host: string;
  /** Pushes a tiny image (config blob, one layer, OCI manifest) as repo:tag; returns the manifest digest. */
  push(repo: string, tag: string, label?: string): Promise<string>;
  /** Pushes an OCI index over images already in repo (by digest) as repo:tag; returns its digest. */
  pushIndex(repo: string, tag: string, children: string[]): Promise<string>;
  /** The digests of the config and layers of repo@ref. */
  blobs(repo: string, ref: string): Promise<string[]>;
  hasBlob(repo: string, digest: string): Promise<boolean>;
  /** Unlinks a blob from the repository (the registry has delete enabled). */
  deleteBlob(repo: string, digest: string): Promise<void>;
  tags(repo: string): Promise<string[]>;
  digest(repo: string, tag: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

const BINARY = '/usr/bin/docker-registry';
const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A test account for registries started with `{ auth: true }` (htpasswd, bcrypt cost 4). */
export const REGISTRY_ACCOUNT = {
  user: 'ci',
  password: 'builds-secret',
  htpasswd: 'ci:$2b$04$Vi7eiidD2Ojcmx5lzm5lw.pWW87YjHg2JhUkc8IAQBHc5f/bB6PIW',
};

export async function startRegistry(options: { auth?: boolean } = {}): Promise<TestRegistry> {
  if (!existsSync(BINARY))
    throw new Error('docker-registry is not installed: run `bash scripts/setup.sh` (apt-get install docker-registry)');
  const root = mkdtempSync(join(tmpdir(), 'fragctl-registry-'));
  const port = await freePort();
  const config = join(root, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(root, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(options.auth ? ['auth:', '  htpasswd:', '    realm: fragctl-test', `    path: ${join(root, 'htpasswd')}`] : []),
      '',
    ].join('\n'),
  );
  if (options.auth) writeFileSync(join(root, 'htpasswd'), `${REGISTRY_ACCOUNT.htpasswd}\n`);
  const basic = `Basic ${Buffer.from(`${REGISTRY_ACCOUNT.user}:${REGISTRY_ACCOUNT.password}`).toString('base64')}`;
  // The helper's own requests carry the test account when the registry wants one.
  const fetch = (input: string | URL, init: RequestInit = {}): Promise<Response> =>
    globalThis.fetch(
      input,
      options.auth ? { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: basic } } : init,
    );
  const child: ChildProcess = spawn(BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/v2/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  async function pushBlob(repo: string, bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const start = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location')!, url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  }

  async function putManifest(repo: string, tag: string, mediaType: string, body: object): Promise<string> {
    const manifest = Buffer.from(JSON.stringify(body));
    const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'Content-Type': mediaType },
      body: new Uint8Array(manifest),
    });
    if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
    return res.headers.get('docker-content-digest') ?? sha256(manifest);
  }

  return {
    url,
    host,
    async push(repo, tag, label = tag) {
      const configBytes = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: { build: label } },
          rootfs: { type: 'layers', diff_ids: [] },
        }),
      );
      const configDigest = await pushBlob(repo, configBytes);
      const layerBytes = Buffer.from(`layer of ${repo}:${label} `.repeat(2000));
      const layerDigest = await pushBlob(repo, layerBytes);
      return putManifest(repo, tag, 'application/vnd.oci.image.manifest.v1+json', {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layerBytes.length }],
      });
    },
    async pushIndex(repo, tag, children) {
      const manifests = [];
      for (const [i, digest] of children.entries()) {
        const res = await fetch(`${url}/v2/${repo}/manifests/${digest}`, {
          headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
        });
        const size = (await res.arrayBuffer()).byteLength;
        manifests.push({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest,
          size,
          platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' },
        });
      }
      return putManifest(repo, tag, 'application/vnd.oci.image.index.v1+json', {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests,
      });
    },
    async blobs(repo, ref) {
      const res = await fetch(`${url}/v2/${repo}/manifests/${ref}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      const m = (await res.json()) as { config: { digest: string }; layers: Array<{ digest: string }> };
      return [m.config.digest, ...m.layers.map((l) => l.digest)];
    },
    async hasBlob(repo, digest) {
      return (await fetch(`${url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status === 200;
    },
    async deleteBlob(repo, digest) {
      const res = await fetch(`${url}/v2/${repo}/blobs/${digest}`, { method: 'DELETE' });
      if (res.status !== 202) throw new Error(`blob delete: ${res.status} ${await res.text()}`);
    },
    async tags(repo) {
      const res = await fetch(`${url}/v2/${repo}/tags/list`);
      if (res.status === 404) return [];
      return (((await res.json()) as { tags?: string[] | null }).tags ?? []).sort();
    },
    async digest(repo, tag) {
      const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
