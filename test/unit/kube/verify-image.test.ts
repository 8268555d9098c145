/** Where an image's registry API is, and which of its tags a hint names. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recentTags, registryOf } from '../../../src/core/kube/verify-image.js';
import { parseImageRef } from '../../../src/core/kube/image.js';
import type { KubeStack } from '../../../src/core/kube/stack.js';

describe('registry check helpers', () => {
  it('recent tags: numbers compared as numbers, newest first', () => {
    assert.deepEqual(recentTags(['latest-2', 'latest-10', 'latest-9', 'stable', 'latest-1'], 3), ['stable', 'latest-10', 'latest-9']);
  });

  it('the registry API of an image: its host, kubernetes.registry, or Docker Hub', () => {
    const stack = { image: 'registry.example.test/shop' } as KubeStack;
    assert.deepEqual(registryOf(stack, parseImageRef('registry.example.test/shop:1')), {
      baseUrl: 'https://registry.example.test',
      path: 'shop',
    });
    assert.deepEqual(registryOf(stack, parseImageRef('127.0.0.1:5000/team/shop:1')), {
      baseUrl: 'http://127.0.0.1:5000',
      path: 'team/shop',
    });
    assert.deepEqual(registryOf(stack, parseImageRef('nginx:1.27')), { baseUrl: 'https://registry-1.docker.io', path: 'library/nginx' });
    assert.deepEqual(registryOf({ ...stack, registry: 'http://127.0.0.1:5001' }, parseImageRef('registry.example.test/shop:1')), {
      baseUrl: 'http://127.0.0.1:5001',
      path: 'shop',
    });
  });
});
