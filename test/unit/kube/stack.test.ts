import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Environment } from '../../../src/core/config/project.js';
import { resolveStack } from '../../../src/core/kube/stack.js';
import { UserError } from '../../../src/core/errors.js';

function env(name: string, kubernetes: Record<string, unknown>, isProtected = false): Environment {
  return {
    name,
    platform: 'kubernetes',
    protected: isProtected,
    settings: { app_name: 'shop' } as Environment['settings'],
    aws: { connection: 'public' } as Environment['aws'],
    kubernetes: {
      kind: 'shared',
      domain: 'example.test',
      replicas: 1,
      database: 'internal',
      production_env: 'production',
      ...kubernetes,
    } as NonNullable<Environment['kubernetes']>,
  };
}

describe('stack names', () => {
  it('developer stacks include the user and the stack in namespace and host', () => {
    const s = resolveStack(env('dev', { kind: 'developer', user: 'alice', stack: 'feature1' }));
    assert.equal(s.namespace, 'shop-alice-feature1');
    assert.equal(s.host, 'alice-feature1.example.test');
    assert.equal(s.url, 'http://alice-feature1.example.test');
  });

  it('developer stacks take the user from FRAGCTL_USER and refuse names that are not letters and digits', () => {
    const saved = process.env.FRAGCTL_USER;
    try {
      process.env.FRAGCTL_USER = 'bob';
      assert.equal(resolveStack(env('dev', { kind: 'developer' })).namespace, 'shop-bob-dev');
      process.env.FRAGCTL_USER = 'bob.smith';
      assert.throws(
        () => resolveStack(env('dev', { kind: 'developer' })),
        (e: unknown) => e instanceof UserError && /bob\.smith/.test(e.message),
      );
      process.env.FRAGCTL_USER = 'bob';
      assert.throws(() => resolveStack(env('dev-2', { kind: 'developer' })), /invalid stack name "dev-2"/);
    } finally {
      if (saved === undefined) delete process.env.FRAGCTL_USER;
      else process.env.FRAGCTL_USER = saved;
    }
  });

  it('shared stacks have fixed names; TLS makes the URL https', () => {
    const s = resolveStack(env('kube-staging', { tls_issuer: 'letsencrypt', image: 'r.io/shop', tag: 'latest-3' }));
    assert.equal(s.namespace, 'shop-kube-staging');
    assert.equal(s.url, 'https://shop-kube-staging.example.test');
    assert.equal(s.configured?.tag, 'latest-3');
    assert.equal(resolveStack(env('prod', { namespace: 'shop', host: 'shop.example.test' })).namespace, 'shop');
  });

  it('refuses an external database without a host, and a bad image in the settings', () => {
    assert.throws(() => resolveStack(env('p', { database: 'external' })), /database_host is not set/);
    assert.throws(() => resolveStack(env('p', { image: 'R.io/Shop Op' })), /kubernetes.image: .* is not a valid image reference/);
  });
});

describe('the stack image from the settings teams already keep', () => {
  const withShared = (shared: Record<string, unknown>, kubernetes: Record<string, unknown> = {}): Environment => {
    const e = env('staging', kubernetes);
    return { ...e, settings: { ...e.settings, ...shared } as Environment['settings'] };
  };

  it('group_vars stack_image and stack_image_tag, when kubernetes.image and tag are not set', () => {
    const s = resolveStack(withShared({ stack_image: 'registry.example.test/shop', stack_image_tag: 'v1.4.2' }));
    assert.equal(s.image, 'registry.example.test/shop');
    assert.deepEqual([s.configured?.repository, s.configured?.tag], ['registry.example.test/shop', 'v1.4.2']);
  });

  it("the environment's kubernetes.image and tag win; without any, <app>-image and no tag", () => {
    const s = resolveStack(
      withShared({ stack_image: 'registry.example.test/shop', stack_image_tag: 'v1' }, { image: 'other.test/shop', tag: 'v2' }),
    );
    assert.deepEqual([s.image, s.configured?.tag], ['other.test/shop', 'v2']);
    const own = resolveStack(
      withShared({ stack_image: 'registry.example.test/shop', stack_image_tag: 'v1' }, { image: 'other.test/shop' }),
    );
    assert.deepEqual([own.image, own.configured], ['other.test/shop', undefined], "the team's tag is not put on another repository");
    const none = resolveStack(withShared({}));
    assert.deepEqual([none.image, none.configured], ['shop-image', undefined]);
  });

  it('a bad stack_image is named by its setting', () => {
    assert.throws(
      () => resolveStack(withShared({ stack_image: 'Registry.Example/SHOP' })),
      (e: unknown) => e instanceof UserError && /stack_image/.test(e.message),
    );
  });
});
