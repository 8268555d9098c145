/**
 * A deploy Job (marked fragctl.io/wait) that runs the stack image, as a migrations Job does: a new
 * tag changes its pod template, which a Job cannot take. The plan says `replace`, the deploy
 * deletes and creates it again and waits for it. Django fixture, real test control plane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `jr${uniqueSuffix()}`;
const NS = `${APP}-django`;
let p: ReturnType<typeof djangoProject>;

const jobImage = async () =>
  ((await getObject('job', NS, 'migrate'))?.spec?.template as { spec: { containers: Array<{ image: string }> } } | undefined)?.spec
    .containers[0]!.image;

describe('a deploy Job whose template changes (real control plane)', { concurrency: false }, () => {
  before(() => {
    p = djangoProject(testCluster().kubeconfigText, APP);
    writeFileSync(
      join(p.dir, 'kubernetes', 'migrate.yaml'),
      `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: { fragctl.io/wait: "true" }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: "{{ stack_image_ref }}"
          command: [python, manage.py, migrate]
`,
    );
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('plan says replace; deploy deletes the Job, creates it with the new image and waits for it', async () => {
    const first = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(await jobImage(), 'registry.example.test/django:v1');
    const uid = (await getObject('job', NS, 'migrate'))!.metadata.uid;

    const plan = await p.run(['django', 'plan', '--tag', 'v2', '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const item = (JSON.parse(plan.stdout) as { objects: Array<{ kind: string; name: string; action: string }> }).objects.find(
      (o) => o.kind === 'Job' && o.name === 'migrate',
    );
    assert.equal(item?.action, 'replace');

    const second = await p.run(['django', 'deploy', '--tag', 'v2']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Job migrate: its pod template changed and a Job cannot be changed: deleted and created again/);
    const job = (await getObject('job', NS, 'migrate'))!;
    assert.notEqual(job.metadata.uid, uid, 'a new Job');
    assert.equal(await jobImage(), 'registry.example.test/django:v2');
    assert.equal((job.status as { succeeded?: number }).succeeded, 1, 'the deploy waited for it to complete');
  });
});
