/** The reference project's templates, rendered, pass the official Kubernetes schemas (kubernetes-models), as an API server would check them. */
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
import { namespaceManifest, type Manifest } from '../../../src/core/kube/manifests.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocuments } from '../../../src/core/kube/templates/documents.js';
import { renderTemplate } from '../../../src/core/kube/templates/render.js';
import { stackVars } from '../../../src/core/kube/templates/variables.js';
import { ROOT } from '../../helpers/cli.js';
import { secretManifest } from '../../../src/core/kube/secrets.js';
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
  kubernetes: {
    kind: 'shared',
    domain: 'example.test',
    replicas: 2,
    database: 'internal',
    production_env: 'production',
    image: 'r.io/shop',
    ...kubernetes,
  } as NonNullable<Environment['kubernetes']>,
});

async function rendered(e: Environment, ref: string): Promise<Manifest[]> {
  const vars = stackVars({ env: e }, resolveStack(e), parseImageRef(ref));
  const dir = join(ROOT, 'kubernetes');
  const out: Manifest[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    out.push(
      ...parseDocuments(await renderTemplate(readFileSync(join(dir, f), 'utf8'), `kubernetes/${f}`, { ...vars }), f).map((d) => d.manifest),
    );
  }
  return out;
}

describe("the reference project's templates", () => {
  it('render valid objects for internal and external databases, with and without TLS', async () => {
    for (const k of [{}, { database: 'external', database_host: 'db.example.test', tls_issuer: 'letsencrypt', storage_class: 'fast' }]) {
      const stack = resolveStack(env(k));
      const objs = [namespaceManifest(stack), ...(await rendered(env(k), 'r.io/shop:latest-1'))];
      for (const o of objs) check(o);
      const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
      if (k.database === 'external') {
        assert.ok(!kinds.includes('StatefulSet/postgres'));
        const ing = objs.find((o) => o.kind === 'Ingress')!;
        assert.deepEqual((ing.spec as { tls: Array<{ hosts: string[] }> }).tls[0]!.hosts, [stack.host]);
        assert.equal(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
      } else {
        assert.ok(kinds.includes('StatefulSet/postgres') && kinds.includes('PersistentVolumeClaim/database-data'));
      }
      const vars = {
        ...stackVars({ env: env(k) }, stack, parseImageRef('r.io/shop:latest-1')),
        job_name: 'x-1',
        loader_type: 'nfs',
        loader_data_origin: '/mnt/a b',
        source_env: 'dev',
        source_namespace: 'shop-dev',
        source_database_host: 'postgres.shop-dev.svc',
        source_url: 'http://dev',
      };
      for (const f of ['loader', 'replicate-db', 'replicate-media']) {
        const docs = parseDocuments(
          await renderTemplate(readFileSync(join(ROOT, 'kubernetes', 'jobs', `${f}.yaml`), 'utf8'), f, { ...vars }),
          f,
        );
        assert.equal(docs.length, 1);
        check(docs[0]!.manifest);
      }
    }
  });

  it('moving tags are pulled always, fixed tags and digests if not present', async () => {
    const policy = async (ref: string) => {
      const app = (await rendered(env({}), ref)).find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'app')!;
      const c = (app.spec!.template as { spec: { containers: Array<{ imagePullPolicy: string; image: string }> } }).spec.containers[0]!;
      assert.equal(c.image, ref);
      return c.imagePullPolicy;
    };
    assert.equal(await policy('r.io/shop:latest'), 'Always');
    assert.equal(await policy('r.io/shop:stable'), 'Always');
    assert.equal(await policy('r.io/shop:latest-7'), 'IfNotPresent');
    assert.equal(await policy(`r.io/shop@sha256:${'b'.repeat(64)}`), 'IfNotPresent');
  });

  it('generated secret values are valid and registered for redaction', () => {
    clearSecrets();
    const s = secretManifest(resolveStack(env({})), 'postgres-credentials', ['password']);
    check(s);
    const value = s.stringData!.password!;
    assert.equal(redact(`password=${value}`), 'password=********');
  });
});
