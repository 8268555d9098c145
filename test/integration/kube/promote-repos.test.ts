/**
 * promote from a build repository to a production repository, against real registries (two Debian
 * docker-registry processes on loopback) and the real test control plane: on one registry the
 * blobs are mounted, to another registry they are uploaded; the production repository then holds
 * the build under the same digest with the version tag and stable, and production runs that digest.
 * A build with a blob missing is refused before any tag is written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { REGISTRY_ACCOUNT, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kp${uniqueSuffix()}`;
let builds: TestRegistry;
let other: TestRegistry;
let locked: TestRegistry;
let p: KubeProject;

const appImage = async (env: string) =>
  ((await getObject('statefulset', `${APP}-${env}`, 'app'))?.spec?.template as { spec: { containers: Array<{ image: string }> } }).spec
    .containers[0]!.image;
const envFile = (image: string, buildImage: string) =>
  `platform: kubernetes\nprotected: true\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: ${image}\n  build_image: ${buildImage}\n  replicas: 1\n  database: external\n  database_host: db.example.test\n`;

describe('promote from a build repository to a production repository', { concurrency: false }, () => {
  before(async () => {
    [builds, other, locked] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ auth: true })]);
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    p.writeEnv('same', envFile(`${builds.host}/prod/app`, `${builds.host}/builds/app`));
    p.writeEnv('other', envFile(`${other.host}/prod/app`, `${builds.host}/builds/app`));
    p.writeEnv('locked', envFile(`${other.host}/prod/locked`, `${locked.host}/builds/app`));
    p.writeEnv('tagged', envFile(`${other.host}/prod/app`, `${builds.host}/builds/app:latest-7`));
    await builds.push('prod/app', 'v1.0.0', 'first');
    await other.push('prod/app', 'v1.0.0', 'first');
    await other.push('prod/locked', 'v1.0.0', 'first');
    await builds.push('builds/app', 'latest-7');
    await locked.push('builds/app', 'latest-9');
    for (const env of ['same', 'other', 'locked']) {
      const d = await p.run([env, 'deploy', '--tag', 'v1.0.0']);
      assert.equal(d.code, 0, d.stderr);
    }
  });
  after(async () => {
    await Promise.all([dropNamespaces(`${APP}-same`, `${APP}-other`, `${APP}-locked`), builds?.stop(), other?.stop(), locked?.stop()]);
  });

  it('on one registry: mounts the blobs into prod/app, tags the same digest and runs it', async () => {
    const digest = await builds.digest('builds/app', 'latest-7');
    const r = await p.run(['same', 'promote', '--build', '7', '--as', 'v1.1.0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `${builds.host}/builds/app:latest-7 copied to ${builds.host}/prod/app@${digest} \\(1 manifest\\(s\\); blobs: 2 mounted, 0 uploaded, 0 already there\\)`,
      ),
    );
    assert.deepEqual(await builds.tags('prod/app'), ['stable', 'v1.0.0', 'v1.1.0']);
    assert.equal(await builds.digest('prod/app', 'v1.1.0'), digest);
    assert.equal(await builds.digest('prod/app', 'stable'), digest);
    for (const blob of await builds.blobs('builds/app', 'latest-7')) assert.equal(await builds.hasBlob('prod/app', blob), true, blob);
    assert.deepEqual(await builds.tags('builds/app'), ['latest-7']);
    assert.equal(await appImage('same'), `${builds.host}/prod/app@${digest}`);
    assert.equal((JSON.parse(r.stdout) as { digest: string }).digest, digest);
  });

  it('to another registry: uploads the blobs, tags the same digest and runs it', async () => {
    const digest = await builds.digest('builds/app', 'latest-7');
    const r = await p.run(['other', 'promote', '--build', '7', '--as', 'v1.1.0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /blobs: 0 mounted, 2 uploaded, 0 already there/);
    assert.deepEqual(await other.tags('prod/app'), ['stable', 'v1.0.0', 'v1.1.0']);
    assert.equal(await other.digest('prod/app', 'v1.1.0'), digest);
    assert.equal(await other.digest('prod/app', 'stable'), digest);
    for (const blob of await builds.blobs('builds/app', 'latest-7')) assert.equal(await other.hasBlob('prod/app', blob), true, blob);
    assert.equal(await appImage('other'), `${other.host}/prod/app@${digest}`);
  });

  it('a build whose layer is missing is refused with nothing tagged and production unchanged', async () => {
    await builds.push('builds/app', 'latest-8');
    const [, layer] = await builds.blobs('builds/app', 'latest-8');
    await builds.deleteBlob('builds/app', layer!);
    const tags = await other.tags('prod/app');
    const stable = await other.digest('prod/app', 'stable');
    const before = await appImage('other');
    const r = await p.run(['other', 'promote', '--build', '8', '--as', 'v1.2.0']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `${builds.host}/builds/app lacks the blob ${layer} that the image sha256:[0-9a-f]{64} references: nothing was copied or tagged`,
      ),
    );
    assert.match(r.stderr, /push the build again/);
    assert.deepEqual(await other.tags('prod/app'), tags);
    assert.equal(await other.digest('prod/app', 'stable'), stable);
    assert.equal(await other.hasBlob('prod/app', (await builds.blobs('builds/app', 'latest-8'))[0]!), false);
    assert.equal(await appImage('other'), before);
  });

  it('a build_image with a tag is a settings error: exit 2, nothing tagged', async () => {
    const tags = await other.tags('prod/app');
    const r = await p.run(['tagged', 'promote', '--build', '7', '--as', 'v1.3.0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /kubernetes\.build_image names a tag or digest/);
    assert.match(r.stderr, /give the repository only/);
    assert.deepEqual(await other.tags('prod/app'), tags);
  });

  it('a build registry with its own account: FRAGCTL_BUILD_REGISTRY_USER/PASSWORD, never printed', async () => {
    const tags = await other.tags('prod/locked');
    const refused = await p.run(['locked', 'promote', '--build', '9', '--as', 'v1.1.0']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /HTTP 401/);
    assert.match(refused.stderr, /wants credentials: set FRAGCTL_BUILD_REGISTRY_USER and FRAGCTL_BUILD_REGISTRY_PASSWORD/);
    assert.deepEqual(await other.tags('prod/locked'), tags);
    const digest = await locked.digest('builds/app', 'latest-9');
    const env = { FRAGCTL_BUILD_REGISTRY_USER: REGISTRY_ACCOUNT.user, FRAGCTL_BUILD_REGISTRY_PASSWORD: REGISTRY_ACCOUNT.password };
    const r = await p.run(['locked', 'promote', '--build', '9', '--as', 'v1.1.0', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /blobs: 0 mounted, 2 uploaded/);
    assert.equal(await other.digest('prod/locked', 'v1.1.0'), digest);
    assert.equal(await appImage('locked'), `${other.host}/prod/locked@${digest}`);
    assert.ok(!`${r.stdout}${r.stderr}${refused.stderr}`.includes(REGISTRY_ACCOUNT.password));
  });
});
