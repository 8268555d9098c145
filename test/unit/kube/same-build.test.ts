/** The replicators' guard: what two stacks run is compared by digest, never by tag string. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameBuild } from '../../../src/core/kube/running.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

test('digests decide, whatever the tags say', () => {
  // production pinned by digest, the copy deployed by a tag that points at the same build
  assert.equal(sameBuild({ image: `registry.test/shop@${D1}`, digest: D1 }, { image: 'registry.test/shop:v7', digest: D1 }), 'same');
  // the same tag string, two builds
  assert.equal(sameBuild({ image: 'registry.test/shop:v7', digest: D1 }, { image: 'registry.test/shop:v7', digest: D2 }), 'different');
  assert.equal(
    sameBuild({ image: 'registry.test/shop:latest', digest: D1 }, { image: 'registry.test/shop:latest', digest: D2 }),
    'different',
  );
});

test('without digests: a moving tag on both sides is refused as unknown; one fixed tag is taken as the same build', () => {
  for (const tag of ['latest', 'stable'])
    assert.equal(sameBuild({ image: `registry.test/shop:${tag}` }, { image: `registry.test/shop:${tag}` }), 'unknown', tag);
  assert.equal(sameBuild({ image: 'registry.test/shop' }, { image: 'registry.test/shop' }), 'unknown', 'no tag means latest');
  assert.equal(sameBuild({ image: 'registry.test/shop:v7' }, { image: 'registry.test/shop:v7' }), 'unknown-same-ref');
  assert.equal(sameBuild({ image: 'registry.test/shop:v7' }, { image: 'registry.test/shop:v8' }), 'unknown');
  assert.equal(sameBuild({ image: 'registry.test/shop:v7', digest: D1 }, { image: 'registry.test/shop:v7' }), 'unknown', 'one digest only');
});
