/**
 * Copying an image by digest between repositories, against real registries (two Debian
 * docker-registry processes on loopback): a cross-repository mount on one registry, a monolithic
 * upload to another, an OCI index with its children, blobs the target has skipped, and a source
 * blob that is missing refused before anything is written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyImage, type Repo } from '../../../src/core/kube/copy-image.js';
import { RegistryClient } from '../../../src/providers/registry/client.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';

let a: TestRegistry;
let b: TestRegistry;
const repo = (r: TestRegistry, path: string, client = new RegistryClient(r.url)): Repo => ({ client, path, name: `${r.host}/${path}` });

describe('copy an image between repositories', { concurrency: false }, () => {
  before(async () => {
    [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('mounts every blob into another repository of the same registry; the digest is identical', async () => {
    const digest = await a.push('builds/app', 'latest-1');
    const client = new RegistryClient(a.url);
    const manifest = (await client.getManifest('builds/app', 'latest-1'))!;
    const report = await copyImage(repo(a, 'builds/app', client), repo(a, 'prod/app', client), manifest);
    assert.deepEqual(report, { digest, manifests: 1, blobs: { mounted: 2, uploaded: 0, present: 0 } });
    for (const blob of await a.blobs('builds/app', 'latest-1')) assert.equal(await a.hasBlob('prod/app', blob), true, blob);
    assert.equal(await a.digest('prod/app', digest), digest);
    // copied by digest only: no tag is written by the copy
    assert.deepEqual(await a.tags('prod/app'), []);
    // a second copy finds everything in place
    const again = await copyImage(repo(a, 'builds/app', client), repo(a, 'prod/app', client), manifest);
    assert.deepEqual(again.blobs, { mounted: 0, uploaded: 0, present: 2 });
  });

  it('uploads every blob whole to another registry', async () => {
    const digest = await a.push('builds/app', 'latest-2');
    const src = repo(a, 'builds/app');
    const manifest = (await src.client.getManifest('builds/app', 'latest-2'))!;
    const report = await copyImage(src, repo(b, 'prod/app'), manifest);
    assert.deepEqual(report, { digest, manifests: 1, blobs: { mounted: 0, uploaded: 2, present: 0 } });
    for (const blob of await a.blobs('builds/app', 'latest-2')) assert.equal(await b.hasBlob('prod/app', blob), true, blob);
    assert.equal(await b.digest('prod/app', digest), digest);
    assert.deepEqual(await b.tags('prod/app'), []);
  });

  it('copies an OCI index with each child manifest and its blobs', async () => {
    const amd = await a.push('builds/multi', 'amd');
    const arm = await a.push('builds/multi', 'arm');
    const index = await a.pushIndex('builds/multi', 'latest-3', [amd, arm]);
    const src = repo(a, 'builds/multi');
    const manifest = (await src.client.getManifest('builds/multi', 'latest-3'))!;
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.index.v1+json');
    const report = await copyImage(src, repo(b, 'prod/multi'), manifest);
    assert.deepEqual(report, { digest: index, manifests: 3, blobs: { mounted: 0, uploaded: 4, present: 0 } });
    assert.equal(await b.digest('prod/multi', amd), amd);
    assert.equal(await b.digest('prod/multi', arm), arm);
    for (const blob of [...(await a.blobs('builds/multi', amd)), ...(await a.blobs('builds/multi', arm))])
      assert.equal(await b.hasBlob('prod/multi', blob), true, blob);
    const res = await fetch(`${b.url}/v2/prod/multi/manifests/${index}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
    });
    assert.equal(res.headers.get('docker-content-digest'), index);
  });

  it('a blob missing in the source: a clear error and nothing written to the target', async () => {
    await a.push('builds/broken', 'latest-4');
    const [config, layer] = await a.blobs('builds/broken', 'latest-4');
    await a.deleteBlob('builds/broken', layer!);
    const src = repo(a, 'builds/broken');
    const manifest = (await src.client.getManifest('builds/broken', 'latest-4'))!;
    for (const target of [repo(a, 'prod/broken'), repo(b, 'prod/broken')]) {
      await assert.rejects(copyImage(src, target, manifest), (e: Error & { code?: string }) => {
        assert.equal(
          e.message,
          `${a.host}/builds/broken lacks the blob ${layer} that the image ${manifest.digest} references: nothing was copied or tagged`,
        );
        assert.equal(e.code, 'PROMOTE_BLOB_MISSING');
        return true;
      });
    }
    for (const r of [a, b]) {
      assert.equal(await r.hasBlob('prod/broken', config!), false);
      assert.equal(await r.digest('prod/broken', manifest.digest), undefined);
    }
  });
});
