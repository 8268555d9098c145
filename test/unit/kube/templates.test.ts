/** Template rendering, document checks, kubectl's order and workload readiness, without a cluster. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors.js';
import { clearSecrets, redact, registerSecret } from '../../../src/core/redact.js';
import { applyOrder, parseDocuments } from '../../../src/core/kube/templates/documents.js';
import { renderPattern, renderTemplate } from '../../../src/core/kube/templates/render.js';
import { isWorkload, workloadState } from '../../../src/core/kube/workloads.js';

const render = (src: string, vars: Record<string, unknown> = {}, more?: (n: string[]) => Promise<Record<string, unknown>>) =>
  renderTemplate(src, 'kubernetes/t.yaml', vars, more);

describe('templates', () => {
  it('render Jinja with the filters Ansible users know', async () => {
    const out = await render(
      'a: {{ s | b64encode }}\nb: {{ l | to_json }}\nc: {{ q | quote }}\nd: {{ missing | default("x") }}\n{% if opt is defined %}e: {{ opt }}{% endif %}\nf: {{ m | to_yaml }}\n',
      { s: 'hi', l: [1, 2], m: { k: 'v' }, q: "it's" },
    );
    assert.equal(out, `a: aGk=\nb: [1,2]\nc: 'it'"'"'s'\nd: x\nf: k: v\n`);
  });

  it('an undefined variable names file, line, column and variable, even inside a filter', async () => {
    await assert.rejects(
      render('a: 1\nb: {{ nope | upper }}\n'),
      (e: UserError) => e instanceof UserError && e.message === 'kubernetes/t.yaml:2:7: undefined variable "nope"',
    );
    await assert.rejects(render('a: {{ x.missing }}\n', { x: {} }), /kubernetes\/t\.yaml:1:4: "x\.missing" is undefined/);
  });

  it('asks for more variables (the vault) only for names nothing else defines', async () => {
    const asked: string[][] = [];
    const out = await render(
      'p: {{ vault_db_password }}\nq: {{ known }}\n',
      { known: 1 },
      async (names) => (asked.push(names), { vault_db_password: 'pw-1234' }),
    );
    assert.equal(out, 'p: pw-1234\nq: 1\n');
    assert.deepEqual(asked, [['vault_db_password']]);
  });

  it('b64encode of a secret registers the encoded form for redaction', async () => {
    clearSecrets();
    registerSecret('s3cr3t-value');
    const out = await render('v: {{ s | b64encode }}\n', { s: 's3cr3t-value' });
    assert.equal(redact(out), 'v: ********\n');
  });

  it('namespace patterns', () => {
    assert.equal(
      renderPattern('stack-{{ user }}-{{ stack_name }}', 'kubernetes.namespace', { user: 'alice', stack_name: 'shop' }),
      'stack-alice-shop',
    );
    assert.throws(
      () => renderPattern('stack-{{ nobody }}', 'kubernetes.namespace', { user: 'a' }),
      /kubernetes\.namespace: "stack-\{\{ nobody \}\}" uses undefined variable "nobody"/,
    );
  });
});

describe('documents', () => {
  it('refuse a document that is not a Kubernetes object, and skip empty ones', () => {
    assert.equal(parseDocuments('---\n# only a comment\n---\n', 'f').length, 0);
    assert.throws(
      () => parseDocuments('apiVersion: v1\nkind: ConfigMap\n', 'f'),
      /f \(document at rendered line 1\) is not a Kubernetes object/,
    );
    assert.throws(() => parseDocuments('- a\n- b\n', 'f'), /is not a Kubernetes object/);
  });

  it('are applied in kubectl order, custom resources last, stable otherwise', () => {
    const kinds = [
      'Ingress',
      'Deployment',
      'Widget',
      'Service',
      'ConfigMap',
      'PersistentVolumeClaim',
      'Secret',
      'Namespace',
      'StatefulSet',
      'ServiceAccount',
      'CustomResourceDefinition',
    ];
    assert.deepEqual(
      applyOrder(kinds.map((kind) => ({ kind }))).map((m) => m.kind),
      [
        'Namespace',
        'CustomResourceDefinition',
        'ConfigMap',
        'Secret',
        'PersistentVolumeClaim',
        'ServiceAccount',
        'Deployment',
        'StatefulSet',
        'Service',
        'Ingress',
        'Widget',
      ],
    );
  });
});

describe('workload readiness', () => {
  const obj = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) => ({
    metadata: { name: 'w', generation },
    spec,
    status,
  });
  it('Deployments as kubectl rollout status', () => {
    assert.equal(workloadState('Deployment', obj({ replicas: 2 }, { observedGeneration: 1 })).done, false);
    assert.match(
      workloadState('Deployment', obj({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 }))
        .message,
      /1 old pods still terminating/,
    );
    assert.equal(
      workloadState('Deployment', obj({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }))
        .done,
      true,
    );
    assert.equal(
      workloadState(
        'Deployment',
        obj({}, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      ).failed,
      true,
    );
  });
  it('DaemonSets and Jobs', () => {
    assert.equal(
      workloadState(
        'DaemonSet',
        obj({}, { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }),
      ).done,
      false,
    );
    assert.equal(
      workloadState(
        'DaemonSet',
        obj({}, { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
      ).done,
      true,
    );
    assert.equal(workloadState('Job', obj({}, { conditions: [{ type: 'Complete', status: 'True' }] })).done, true);
    assert.equal(
      workloadState('Job', obj({}, { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] })).failed,
      true,
    );
  });
  it('only Jobs marked fragctl.io/wait are part of the deploy', () => {
    assert.equal(isWorkload({ kind: 'Job', metadata: { name: 'migrate', annotations: { 'fragctl.io/wait': 'true' } } }), true);
    assert.equal(isWorkload({ kind: 'Job', metadata: { name: 'other' } }), false);
    assert.equal(isWorkload({ kind: 'CronJob', metadata: { name: 'backup' } }), false);
  });
});
