/**
 * A first deploy whose templates do not render leaves nothing behind: no namespace, no Lease, no
 * record (the run lock would make the namespace; the templates are rendered before it). Django
 * fixture, real test control plane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `fd${uniqueSuffix()}`;
const NS = `${APP}-django`;
let p: ReturnType<typeof djangoProject>;

describe('a first deploy with a broken template (real control plane)', () => {
  before(() => {
    p = djangoProject(testCluster().kubeconfigText, APP);
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('an unknown variable: exit 2 naming file, line and variable, and no namespace exists afterwards', async () => {
    const bad = join(p.dir, 'kubernetes', 'zz-bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "{{ workers_count }}"\n');
    const r = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: kubernetes\/zz-bad\.yaml:6:10: undefined variable "workers_count"/m);
    assert.equal(await getObject('namespace', undefined, NS), undefined, 'no namespace (and so no Lease) was made');

    rmSync(bad);
    const ok = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(await getObject('namespace', undefined, NS), 'the check can pass: a good first deploy makes it');
  });
});
