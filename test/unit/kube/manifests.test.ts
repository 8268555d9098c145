/** The stack's objects pass the official Kubernetes schemas (kubernetes-models), as an API server would check them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { Environment } from '../../../src/core/config/project.js';
import { appStatefulSet, namespaceManifest, stackManifests } from '../../../src/core/kube/manifests.js';
import { secretManifest } from '../../../src/core/kube/secrets.js';
import { jobManifest } from '../../../src/core/kube/jobs.js';
import { parseImageRef } from '../../../src/core/kube/image.js';
import { resolveStack } from '../../../src/core/kube/stack.js';
import { clearSecrets, redact } from '../../../src/core/redact.js';

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = { Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount, StatefulSet, Job, Ingress };
const check = (obj: { kind?: string }) => new MODELS[obj.kind!]!(obj as never).validate();

const env = (kubernetes: Record<string, unknown>): Environment => ({
  name: 'kube-staging',
  platform: 'kubernetes',
  protected: false,
  settings: { app_name: 'shop' } as Environment['settings'],
  aws: { connection: 'public' } as Environment['aws'],
  kubernetes: { kind: 'shared', domain: 'example.test', replicas: 2, database: 'internal', production_env: 'production', image: 'r.io/shop', ...kubernetes } as Environment['kubernetes'],
});

describe('stack manifests', () => {
  it('are valid for internal and external databases, with and without TLS', () => {
    for (const k of [{}, { database: 'external', database_host: 'db.example.test', tls_issuer: 'letsencrypt', storage_class: 'fast' }]) {
      const stack = resolveStack(env(k));
      const objs = [namespaceManifest(stack), ...stackManifests(stack, { image: parseImageRef('r.io/shop:latest-1'), restartedAt: new Date().toISOString() })];
      for (const o of objs) check(o);
      check(jobManifest(stack.namespace, stack.labels, { name: 'loader-1', task: 'loader', image: 'r.io/shop:latest-1', command: ['x'], env: { A: 'b' } }));
    }
  });

  it('moving tags are pulled always, fixed tags and digests if not present', () => {
    const stack = resolveStack(env({}));
    const policy = (ref: string) => ((appStatefulSet(stack, { image: parseImageRef(ref) }).spec!.template as { spec: { containers: Array<{ imagePullPolicy: string }> } }).spec.containers[0]!.imagePullPolicy);
    assert.equal(policy('r.io/shop:latest'), 'Always');
    assert.equal(policy('r.io/shop:stable'), 'Always');
    assert.equal(policy('r.io/shop:latest-7'), 'IfNotPresent');
    assert.equal(policy(`r.io/shop@sha256:${'b'.repeat(64)}`), 'IfNotPresent');
  });

  it('generated secret values are valid and registered for redaction', () => {
    clearSecrets();
    const s = secretManifest(resolveStack(env({})), 'postgres-credentials');
    check(s);
    const value = s.stringData!.password!;
    assert.equal(redact(`password=${value}`), 'password=********');
  });
});
