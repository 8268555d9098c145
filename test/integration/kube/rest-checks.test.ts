/**
 * The tests' checks (getObject and listObjects in test/helpers/cluster.ts) read over the REST API
 * instead of starting kubectl: here they are held against the server's own kubectl, on the same
 * objects, for the names the suites use (short names, singular, plural, kind, group-qualified).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, kubectl, listObjects, uniqueSuffix, type KubeObj } from '../../helpers/cluster.js';

const NS = `rest-${uniqueSuffix()}`;
const NAMES = [
  'pvc',
  'persistentvolumeclaims',
  'configmap',
  'cm',
  'ConfigMap',
  'secret',
  'cronjob',
  'cronjobs.batch',
  'job',
  'deployment',
  'statefulset',
  'lease',
];
const brief = (items: KubeObj[]) => items.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

describe('the REST checks read what kubectl reads', () => {
  before(async () => {
    await kubectl(['create', 'namespace', NS]);
    await kubectl(['-n', NS, 'create', 'configmap', 'one', '--from-literal=a=1']);
    await kubectl(['-n', NS, 'label', 'configmap', 'one', 'tier=web']);
    await kubectl(['-n', NS, 'create', 'configmap', 'two', '--from-literal=b=2']);
    await kubectl(['-n', NS, 'create', 'secret', 'generic', 's', '--from-literal=c=3']);
    await kubectl(['-n', NS, 'create', 'cronjob', 'cj', '--image=busybox', '--schedule=0 3 * * *']);
  });
  after(() => dropNamespaces(NS));

  it('lists each name, and several at once, as kubectl get -o json does', async () => {
    for (const name of NAMES) {
      const theirs = JSON.parse(await kubectl(['get', name, '-n', NS, '-o', 'json'])) as { items: KubeObj[] };
      assert.deepEqual(brief(await listObjects(name, NS)), brief(theirs.items), name);
    }
    const several = 'configmaps,secrets,cronjobs';
    const theirs = JSON.parse(await kubectl(['get', several, '-n', NS, '-o', 'json'])) as { items: KubeObj[] };
    assert.deepEqual(brief(await listObjects(several, NS)), brief(theirs.items));
    assert.ok(brief(theirs.items).length >= 4, 'the namespace holds the objects made above');
  });

  it('filters by label and across namespaces, and leaves out managedFields as kubectl does', async () => {
    const labelled = await listObjects('configmap', NS, 'tier=web');
    assert.deepEqual(brief(labelled), [`v1 ConfigMap ${NS}/one`]);
    assert.equal(labelled[0]!.metadata.managedFields, undefined);
    const everywhere = brief(await listObjects('namespace'));
    assert.ok(everywhere.includes(`v1 Namespace /${NS}`), everywhere.join('\n'));
  });

  it('gets one object as kubectl get -o json --show-managed-fields does, and undefined when it is not found', async () => {
    for (const [kind, name] of [
      ['cm', 'one'],
      ['cronjob', 'cj'],
      ['Secret', 's'],
    ] as const) {
      const theirs = JSON.parse(await kubectl(['get', kind, name, '-n', NS, '-o', 'json', '--show-managed-fields'])) as KubeObj;
      assert.deepEqual(await getObject(kind, NS, name), theirs, `${kind} ${name}`);
    }
    assert.equal(await getObject('configmap', NS, 'missing'), undefined);
    assert.ok(await getObject('namespace', undefined, NS));
    await assert.rejects(getObject('nosuchkind', NS, 'x'), /doesn't have a resource type "nosuchkind"/);
  });
});
