/** Which digest the deploy history records, and where an image's registry API is. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podsDigest } from '../../../src/core/kube/digest.js';
import { recentTags, registryOf } from '../../../src/core/kube/verify-image.js';
import { parseImageRef } from '../../../src/core/kube/image.js';
import type { KubeStack } from '../../../src/core/kube/stack.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const pod = (name: string, image: string, imageID: string, deleting = false) => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-12-02T00:00:00Z' } : {}) },
  spec: { containers: [{ name: 'app', image }] },
  status: { containerStatuses: [{ name: 'app', imageID }] },
});

describe('digests', () => {
  it('takes the digest the pods of the new image agree on, in either runtime format', () => {
    const pods = [pod('app-0', 'r/shop:2', `r/shop@${A}`), pod('app-1', 'r/shop:2', `docker-pullable://r/shop@${A}`)];
    assert.equal(podsDigest(pods, 'app', 'r/shop:2'), A);
  });

  it('leaves out pods of the old template and pods being deleted', () => {
    const pods = [pod('app-0', 'r/shop:2', `r/shop@${A}`), pod('app-1', 'r/shop:1', `r/shop@${B}`), pod('app-2', 'r/shop:2', `r/shop@${B}`, true)];
    assert.equal(podsDigest(pods, 'app', 'r/shop:2'), A);
  });

  it('no digest when pods disagree or one reports none', () => {
    assert.equal(podsDigest([pod('a', 'r/shop:2', `r/shop@${A}`), pod('b', 'r/shop:2', `r/shop@${B}`)], 'app', 'r/shop:2'), undefined);
    assert.equal(podsDigest([pod('a', 'r/shop:2', `r/shop@${A}`), pod('b', 'r/shop:2', 'r/shop:2')], 'app', 'r/shop:2'), undefined);
    assert.equal(podsDigest([], 'app', 'r/shop:2'), undefined);
  });

  it('recent tags: numbers compared as numbers, newest first', () => {
    assert.deepEqual(recentTags(['latest-2', 'latest-10', 'latest-9', 'stable', 'latest-1'], 3), ['stable', 'latest-10', 'latest-9']);
  });

  it('the registry API of an image: its host, kubernetes.registry, or Docker Hub', () => {
    const stack = { image: 'registry.example.test/shop' } as KubeStack;
    assert.deepEqual(registryOf(stack, parseImageRef('registry.example.test/shop:1')), { baseUrl: 'https://registry.example.test', path: 'shop' });
    assert.deepEqual(registryOf(stack, parseImageRef('127.0.0.1:5000/team/shop:1')), { baseUrl: 'http://127.0.0.1:5000', path: 'team/shop' });
    assert.deepEqual(registryOf(stack, parseImageRef('nginx:1.27')), { baseUrl: 'https://registry-1.docker.io', path: 'library/nginx' });
    assert.deepEqual(registryOf({ ...stack, registry: 'http://127.0.0.1:5001' }, parseImageRef('registry.example.test/shop:1')), { baseUrl: 'http://127.0.0.1:5001', path: 'shop' });
  });
});
