/**
 * Objects the real API server rejects, in a stack's own templates (Django fixture, real test
 * control plane), each found by the server-side dry run before anything is applied: one line
 * naming the object and the field path, a hint, exit 2, no release recorded, nothing changed.
 * (The fake server that came before accepted every one of these.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespaces, getObject, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `rj${uniqueSuffix()}`;
const NS = `${APP}-django`;
let p: ReturnType<typeof djangoProject>;

const releases = async () => (await listObjects('secret', NS)).filter((s) => s.metadata.labels?.['fragctl.io/release-of']).length;

/** A Deployment `extra` whose pod spec or spec carries the given YAML. */
const deployment = (spec: { replicas?: string; container?: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: extra
spec:
  replicas: ${spec.replicas ?? '1'}
  selector: {matchLabels: {app: extra}}
  template:
    metadata: {labels: {app: extra}}
    spec:
      containers:
        - ${spec.container ?? 'name: extra\n          image: "{{ stack_image_ref }}"'}
`;

describe('objects the API server rejects (real control plane)', { concurrency: false }, () => {
  before(async () => {
    p = djangoProject(testCluster().kubeconfigText, APP);
    const d = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(d.code, 0, d.stderr);
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  const cases: Array<[string, string, RegExp]> = [
    [
      'negative replicas',
      deployment({ replicas: '-3' }),
      /^error: Kubernetes refused Deployment extra as invalid: spec\.replicas: Invalid value: -3: must be greater than or equal to 0/,
    ],
    [
      'a container named Bad_Name',
      deployment({ container: 'name: Bad_Name\n          image: "{{ stack_image_ref }}"' }),
      /^error: Kubernetes refused Deployment extra as invalid: spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Bad_Name"/,
    ],
    [
      'an empty image',
      deployment({ container: 'name: extra\n          image: ""' }),
      /^error: Kubernetes refused Deployment extra as invalid: spec\.template\.spec\.containers\[0\]\.image: Required value/,
    ],
    [
      'containerPort 99999',
      deployment({ container: 'name: extra\n          image: "{{ stack_image_ref }}"\n          ports: [{containerPort: 99999}]' }),
      /^error: Kubernetes refused Deployment extra as invalid: spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 99999: must be between 1 and 65535/,
    ],
    [
      'an unknown field (strict field validation)',
      deployment({ container: 'name: extra\n          image: "{{ stack_image_ref }}"\n          imagePullPolicyy: Always' }),
      /^error: Kubernetes refused Deployment extra as invalid: unknown field "spec\.template\.spec\.containers\[name="extra"\]\.imagePullPolicyy"/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const before = await releases();
      const gen = (await getObject('deployment', NS, 'web'))!.metadata.generation;
      const file = join(p.dir, 'kubernetes', 'zz-extra.yaml');
      writeFileSync(file, text);
      try {
        const r = await p.run(['django', 'deploy', '--tag', 'v2']);
        assert.equal(r.code, 2, r.stderr);
        const error = r.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
        assert.match(error, message, r.stderr);
        assert.match(r.stderr, /^hint: /m);
        assert.match(r.stderr, /nothing was changed \(server-side dry run\)/);
      } finally {
        rmSync(file);
      }
      assert.equal(await releases(), before, 'no release recorded');
      assert.equal((await getObject('deployment', NS, 'web'))!.metadata.generation, gen, 'nothing applied');
      assert.equal(await getObject('deployment', NS, 'extra'), undefined, 'the rejected object does not exist');
    });
  }
});
