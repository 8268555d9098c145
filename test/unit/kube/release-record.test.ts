/** Release records: bounded in size before anything is written, secret values never in them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../../src/providers/kube/client.js';
import { createRelease } from '../../../src/core/kube/release/record.js';
import { UserError } from '../../../src/core/errors.js';
import type { Manifest } from '../../../src/core/kube/manifests.js';

/** Records what would be written; the size check must come first. */
function recordingApi(): { api: KubeClient; created: unknown[] } {
  const created: unknown[] = [];
  const api = { create: async (o: unknown) => (created.push(o), o) } as unknown as KubeClient;
  return { api, created };
}

const release = (manifests: Manifest[]) => ({
  env: 'dev',
  namespace: 'shop-dev',
  verb: 'deploy',
  status: 'pending' as const,
  manifests,
  settingsHash: 'sha256:0',
  images: [],
  who: 'tester',
  when: new Date(0).toISOString(),
});
const configMap = (name: string, bytes: number): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop-dev' },
  data: { blob: randomBytes(bytes).toString('base64') },
});

test('a release larger than a Secret can hold is refused before anything is written, with a hint', async () => {
  const { api, created } = recordingApi();
  // Random data hardly compresses: two ConfigMaps of about 930 kB each are well over the 900 KiB a record may take.
  await assert.rejects(createRelease(api, release([configMap('a', 700_000), configMap('b', 700_000)]), 0), (e: unknown) => {
    assert.ok(e instanceof UserError && e.code === 'KUBE_RELEASE_TOO_LARGE', String(e));
    assert.match(e.message, /^release 1 of dev is \d+ KiB compressed, more than a Secret can hold$/);
    assert.match(e.hint ?? '', /move large data/);
    return true;
  });
  assert.equal(created.length, 0, 'nothing written');
});

test('a release of ordinary size is written as one Secret whose Secret values are MACs', async () => {
  const { api, created } = recordingApi();
  const secret: Manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'shop-dev' },
    stringData: { PASSWORD: 'record-me-not-7' },
  } as Manifest;
  const r = await createRelease(api, release([configMap('a', 1000), secret]), 4);
  assert.equal(r.version, 5, 'the next number after the last');
  assert.equal(created.length, 1);
  const stored = JSON.stringify(created[0]);
  const data = (created[0] as { data: { release: string } }).data.release;
  const { gunzipSync } = await import('node:zlib');
  const text = gunzipSync(Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64')).toString('utf8');
  assert.ok(!text.includes('record-me-not-7') && !stored.includes('record-me-not-7'));
  assert.match(text, /"PASSWORD":"fragctl-redacted:[0-9a-f]{16}:[0-9a-f]{64}"/);
  assert.equal(
    (r.manifests[1] as { stringData: Record<string, string> }).stringData.PASSWORD,
    'record-me-not-7',
    'in memory, this run still applies the value',
  );
});
