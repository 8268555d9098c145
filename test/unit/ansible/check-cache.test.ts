/** The passed-check cache: several inputs per environment, the newest kept, anything unreadable a miss. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedCheck, rememberCheck } from '../../../src/core/ansible/check-cache.js';
import type { ListedPlay } from '../../../src/core/ansible/host-patterns.js';
import { testContext } from '../../helpers/context.js';

const listed = (host: string): ListedPlay[] => [{ playbook: 'app.yml', index: 1, name: 'play', pattern: 'app', tags: [], hosts: [host] }];

describe('check cache', () => {
  it('keeps the checks of several inputs (image, then roles), each found again', () => {
    const ctx = testContext();
    rememberCheck(ctx, 'image-key', listed('image-host'));
    rememberCheck(ctx, 'roles-key', listed('web1'));
    assert.deepEqual(cachedCheck(ctx, 'image-key'), listed('image-host'));
    assert.deepEqual(cachedCheck(ctx, 'roles-key'), listed('web1'));
    assert.equal(cachedCheck(ctx, 'other-key'), undefined);
  });

  it('keeps the newest eight; a check passed again moves to the front', () => {
    const ctx = testContext();
    for (let n = 0; n < 9; n++) rememberCheck(ctx, `k${n}`, listed(`h${n}`));
    assert.equal(cachedCheck(ctx, 'k0'), undefined, 'the oldest is dropped');
    assert.deepEqual(cachedCheck(ctx, 'k1'), listed('h1'));
    rememberCheck(ctx, 'k1', listed('h1'));
    rememberCheck(ctx, 'k9', listed('h9'));
    assert.deepEqual(cachedCheck(ctx, 'k1'), listed('h1'), 'refreshed, so kept');
    assert.equal(cachedCheck(ctx, 'k2'), undefined);
    const file = join(ctx.project.paths.state, 'checked', `${ctx.env.name}.json`);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { kept: unknown[] }).kept.length, 8);
  });

  it('an unreadable or older-format file is a miss, and is replaced by the next pass', () => {
    const ctx = testContext();
    const dir = join(ctx.project.paths.state, 'checked');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${ctx.env.name}.json`);
    writeFileSync(file, JSON.stringify({ key: 'k', listed: listed('old') }));
    assert.equal(cachedCheck(ctx, 'k'), undefined);
    writeFileSync(file, '{"kept": [{"key": "k"');
    assert.equal(cachedCheck(ctx, 'k'), undefined);
    rememberCheck(ctx, 'k', listed('new'));
    assert.deepEqual(cachedCheck(ctx, 'k'), listed('new'));
  });
});
