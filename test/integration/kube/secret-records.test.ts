/**
 * Secret values never enter a release record, on the Django fixture and the real test control
 * plane: every record holds salted MACs where the Secret's values were; a version change that
 * leaves the Secret as it was does not send it again (the MACs match); a rollback gives the
 * workloads the Secret's current values; a rollback whose Secret is gone stops with nothing changed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dropNamespaces, getObject, kubectl, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `sr${uniqueSuffix()}`;
const NS = `${APP}-django`;
let p: ReturnType<typeof djangoProject>;

const records = async () => (await listObjects('secret', NS)).filter((s) => s.metadata.labels?.['fragctl.io/release-of']);
/** A release record as stored: the Secret's `release` field, base64 of the base64 of gzip'd JSON. */
const recordText = (s: { data?: Record<string, string> }) =>
  gunzipSync(Buffer.from(Buffer.from(s.data!.release!, 'base64').toString('utf8'), 'base64')).toString('utf8');

/** Every file fragctl wrote in the project (run records, caches), as one text. */
function stateText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile()) out.push(readFileSync(join(d, e.name), 'latin1'));
    }
  };
  walk(join(dir, '.fragctl'));
  return out.join('\n');
}

describe('secret values in release records (real control plane)', { concurrency: false }, () => {
  let password = '';
  let encoded = '';
  before(async () => {
    p = djangoProject(testCluster().kubeconfigText, APP);
    const d = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(d.code, 0, d.stderr);
    encoded = (await getObject('secret', NS, 'django-secrets'))!.data!.DATABASE_PASSWORD!;
    password = Buffer.from(encoded, 'base64').toString();
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('no record, in the cluster or on disk, holds a secret value, clear or encoded', async () => {
    assert.ok(password.length > 8, 'the fixture renders a vault password into the Secret');
    const stored = await records();
    assert.equal(stored.length, 1);
    const text = recordText(stored[0]!);
    assert.match(text, /"DATABASE_PASSWORD":"fragctl-redacted:[0-9a-f]{16}:[0-9a-f]{64}"/);
    for (const where of [text, stateText(p.dir)]) {
      assert.ok(!where.includes(password) && !where.includes(encoded), 'no secret value in a record');
    }
  });

  it('a version change leaves the unchanged Secret alone (its MACs match), and its record holds no value either', async () => {
    const before = (await getObject('secret', NS, 'django-secrets'))!.metadata.resourceVersion;
    const v = await p.run(['django', 'version-change', '--tag', 'v2']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal((await getObject('secret', NS, 'django-secrets'))!.metadata.resourceVersion, before, 'the Secret was not sent again');
    for (const r of await records()) assert.ok(!recordText(r).includes(password) && !recordText(r).includes(encoded));
  });

  it('rollback restores release 1 with the Secret the cluster holds; with that Secret gone it stops, exit 2, nothing changed', async () => {
    const back = await p.run(['django', 'rollback', '--to', '1']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await getObject('secret', NS, 'django-secrets'))!.data!.DATABASE_PASSWORD, encoded, 'the values are the current ones');
    const web = (await getObject('deployment', NS, 'web'))!;
    assert.match(JSON.stringify(web.spec), /registry\.example\.test\/django:v1/);

    await kubectl(['-n', NS, 'delete', 'secret', 'django-secrets']);
    const count = (await records()).length;
    const gone = await p.run(['django', 'rollback', '--to', '2']);
    assert.equal(gone.code, 2, gone.stderr);
    assert.match(
      gone.stderr,
      /release 2's Secret django-secrets cannot be restored: it no longer exists, and secret values are never recorded/,
    );
    assert.match(gone.stderr, /hint: .*deploy that release's image instead/);
    assert.equal((await records()).length, count, 'no release recorded');
    assert.match(JSON.stringify((await getObject('deployment', NS, 'web'))!.spec), /django:v1/, 'nothing applied');
  });
});
