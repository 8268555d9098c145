/**
 * What only a real control plane shows: a partitioned StatefulSet, a claim that cannot bind, a Job
 * that fails once its backoffLimit is spent, and a replicator CronJob that really fires on its
 * schedule.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dropNamespaces,
  eventually,
  getObject,
  kubectl,
  listObjects,
  testCluster,
  uniqueSuffix,
  type KubeObj,
} from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kb${uniqueSuffix()}`;
const STAGING = `${APP}-kube-staging`;
const DEV = `${APP}-alice-main`;
const NO_PROVISIONER = `${APP}-nobody`;

let p: KubeProject;
const image = async (pod: string) => ((await getObject('pod', STAGING, pod))!.spec!.containers as Array<{ image: string }>)[0]!.image;

describe('real control-plane behaviour', { concurrency: false }, () => {
  before(async () => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    const d = await p.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(d.code, 0, d.stderr);
    const dev = await p.run(['dev', 'deploy', '--tag', 'latest-1']);
    assert.equal(dev.code, 0, dev.stderr);
    const cron = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging', '--schedule', '* * * * *', '--yes']);
    assert.equal(cron.code, 0, cron.stderr);
  });
  after(async () => {
    await dropNamespaces(STAGING, DEV);
    await kubectl(['delete', 'storageclass', NO_PROVISIONER, '--ignore-not-found']);
  });

  it('a partitioned StatefulSet: the rollout finishes at the partition, as kubectl says, and fragctl tells which pods stay behind', async () => {
    await kubectl(['-n', STAGING, 'patch', 'statefulset', 'app', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}']);
    const r = await p.run(['kube-staging', 'version-change', '--tag', 'latest-2', '--timeout', '30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /partitioned rollout complete: 1 of 2 pods at revision app-\w+; 1 below partition 1 stay at app-\w+/);
    assert.match(r.stderr, /to roll the rest: kubectl -n \S+ patch statefulset app/);
    assert.equal(await image('app-1'), 'registry.example.test/shop:latest-2');
    assert.equal(await image('app-0'), 'registry.example.test/shop:latest-1');
    assert.match(await kubectl(['-n', STAGING, 'rollout', 'status', 'statefulset/app', '--timeout=5s']), /partitioned roll out complete/);
  });

  it('a claim that cannot bind is named as the reason the rollout is stuck', async () => {
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: NO_PROVISIONER },
        provisioner: 'example.test/nobody',
        volumeBindingMode: 'Immediate',
      }),
    });
    p.writeEnv(
      'unbound',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/shop\n  verify_image: false\n  storage_class: ${NO_PROVISIONER}\n  database: external\n  database_host: db.example.test\n`,
    );
    const r = await p.run(['unbound', 'deploy', '--tag', 'latest-1', '--timeout', '4s']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /did not finish within 4 s/);
    assert.match(r.stderr, new RegExp(`pod app-0 is stuck: claim (media|database-data) is Pending \\(storage class ${NO_PROVISIONER}\\)`));
    assert.match(r.stderr, /hint: +kubectl -n \S+ describe pvc (media|database-data)/);
    assert.match(r.stderr, /example\.test\/nobody/);
    await dropNamespaces(`${APP}-unbound`);
  });

  it('a Job that fails after its backoffLimit is reported with the reason Kubernetes gives', async () => {
    const vc = await p.run(['kube-staging', 'version-change', '--tag', 'crash-1', '--timeout', '1s']);
    assert.equal(vc.code, 1, vc.stderr);
    const r = await p.run(['kube-staging', 'load', '--origin', 's3://bucket/dump']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /BackoffLimitExceeded/);
    const jobs = (await listObjects('job', STAGING)).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'loader');
    const failed = (jobs[0]!.status!.conditions as Array<{ type: string; reason: string }>).find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
  });

  it('a replicator CronJob (made first) fires on its schedule and its Job completes', async () => {
    // Made in before(): the CronJob controller starts a Job at the next minute boundary, while the
    // other tests run.
    const job = await eventually(
      'a Job started by the replicate-db CronJob completes',
      async () => {
        const jobs = (await listObjects('job', DEV)).filter((j: KubeObj) =>
          (j.metadata.ownerReferences as Array<{ kind: string; name: string }> | undefined)?.some(
            (o) => o.kind === 'CronJob' && o.name === 'replicate-db',
          ),
        );
        return jobs.find((j) => j.status?.succeeded === 1);
      },
      90_000,
    );
    assert.ok(job.metadata.name.startsWith('replicate-db-'));
    const cj = (await getObject('cronjob', DEV, 'replicate-db'))!;
    assert.ok(cj.status?.lastScheduleTime, 'the controller recorded the schedule');
  });
});
