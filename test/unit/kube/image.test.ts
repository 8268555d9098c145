import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTag, formatImage, parseImageRef, canonicalImage } from '../../../src/core/kube/image.js';
import { UserError } from '../../../src/core/errors.js';

describe('image references', () => {
  it('parses host, port, path, tag and digest', () => {
    assert.deepEqual(parseImageRef('registry.example.test:5000/team/shop:latest-7'), {
      repository: 'registry.example.test:5000/team/shop',
      host: 'registry.example.test:5000',
      path: 'team/shop',
      tag: 'latest-7',
      digest: undefined,
    });
    const d = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(parseImageRef(`127.0.0.1:5000/shop@${d}`), {
      repository: '127.0.0.1:5000/shop',
      host: '127.0.0.1:5000',
      path: 'shop',
      tag: undefined,
      digest: d,
    });
    assert.deepEqual(parseImageRef('shop'), { repository: 'shop', host: undefined, path: 'shop', tag: undefined, digest: undefined });
    assert.equal(parseImageRef('library/postgres:16').host, undefined);
    assert.equal(formatImage(parseImageRef(`r.io/a:b@${d}`)), `r.io/a:b@${d}`);
  });

  it('refuses bad characters, upper case names, bad digests and empty references', () => {
    for (const bad of [
      '',
      'shop op',
      'Shop',
      'r.io/shop;rm -rf',
      'r.io/shop:',
      'r.io/shop@sha256:xyz',
      'r.io//shop',
      'r.io/shop:-bad',
      '../shop',
      'r.io/shop$(id)',
    ]) {
      assert.throws(
        () => parseImageRef(bad),
        (e: unknown) => e instanceof UserError && e.code.startsWith('IMAGE'),
        bad,
      );
    }
  });

  it('refuses empty and malformed tags', () => {
    assert.throws(() => checkTag(''), /empty image tag is refused/);
    assert.throws(() => checkTag('a b'), /not a valid image tag/);
    assert.throws(() => checkTag('x'.repeat(129)), /not a valid image tag/);
    checkTag('v1.2.0-rc1');
    checkTag('latest_7');
  });
});

describe('canonicalImage (what a kubelet reports in containerStatuses[].image)', () => {
  it('qualifies Docker Hub names and a missing tag, keeps other registries as they are', () => {
    assert.equal(canonicalImage('nginx:1.27'), 'docker.io/library/nginx:1.27');
    assert.equal(canonicalImage('nginx'), 'docker.io/library/nginx:latest');
    assert.equal(canonicalImage('bitnami/redis:7'), 'docker.io/bitnami/redis:7');
    assert.equal(canonicalImage('index.docker.io/library/nginx:1.27'), 'docker.io/library/nginx:1.27');
    assert.equal(canonicalImage('127.0.0.1:5000/shop:latest-7'), '127.0.0.1:5000/shop:latest-7');
    const d = `sha256:${'a'.repeat(64)}`;
    assert.equal(canonicalImage(`registry.example.test/shop@${d}`), `registry.example.test/shop@${d}`);
    assert.equal(canonicalImage('Not An Image'), 'Not An Image');
  });
});
