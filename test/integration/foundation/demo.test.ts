/**
 * The README's first command, on the artifact operators run: the esbuild bundle in dist/ (built
 * again here when any of its sources is newer, so a stale build cannot hide a bundling fault; npm
 * test's setup.sh has just built it from these sources) drives the whole demo against a moto
 * server that scripts/demo.mjs starts itself: validate, bake, commission with deploy, status,
 * hosts, history, decommission with a verified final snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, copyProject } from '../../helpers/cli.js';

/** dist/fragctl.js is missing, or older than a source, the build script or the dependencies it bundles. */
function bundleStale(): boolean {
  const bundle = join(ROOT, 'dist', 'fragctl.js');
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  const sources = ['src', 'bin'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(ROOT, dir, f)),
  );
  return [...sources, join(ROOT, 'scripts', 'build.mjs'), join(ROOT, 'package-lock.json')].some((f) => statSync(f).mtimeMs > built);
}

test('npm run demo: bake, commission, deploy, inspect and decommission on the bundled CLI', () => {
  if (bundleStale()) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    assert.ok(!bundleStale(), 'the build wrote dist/fragctl.js');
  }
  const project = copyProject();
  const r = spawnSync(process.execPath, ['scripts/demo.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, FRAGCTL_PROJECT_DIR: project, CI: 'true', NO_COLOR: '1', FRAGCTL_POLL_INTERVAL_MS: '50' },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out.slice(-3000));
  assert.match(out, /ValidateTemplate\s+ok/);
  assert.match(out, /baked frag-image-\S+ ami-[0-9a-f]+/);
  assert.match(out, /stack frag-demo created: CREATE_COMPLETE/);
  assert.match(out, /deployed database, knowledge, app on demo/);
  assert.match(out, /^app\s+frag-demo-app\s+i-[0-9a-f]+\s+running/m);
  assert.match(out, /commission\s+succeeded/);
  assert.match(out, /frag-demo-db\s+frag-demo-db-final-\S+\s+available/);
  assert.doesNotMatch(out, /fragctl crashed/);
  // The demo's hosts are folders on this machine, one per instance, holding what Ansible rendered.
  const hosts = readdirSync(join(project, '.fragctl', 'hosts'));
  assert.ok(
    hosts.some((h) => existsSync(join(project, '.fragctl', 'hosts', h, 'etc', 'frag', 'settings.env'))),
    `settings.env rendered in one of ${hosts.join(', ')}`,
  );
});
