/** platformOf: every platform has its object; the host operations exist where there are Ansible hosts, refused in one line elsewhere. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostOps, platformOf, requirePlatform } from '../../../src/core/platforms/index.js';
import { UserError } from '../../../src/core/errors.js';
import { testContext } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

describe('platformOf', () => {
  it('gives AWS a stack and DynamoDB records, Kubernetes its cluster records and no hosts, local files and hosts', () => {
    const aws = testContext({ dir: ROOT, env: 'staging' });
    const kube = testContext({ dir: ROOT, env: 'kube-staging' });
    assert.equal(platformOf(aws.env).stackName?.(aws.env), `${aws.env.settings.app_name}-staging`);
    assert.equal(platformOf(aws.env).recordStore, 'dynamodb');
    assert.ok(platformOf(aws.env).hosts);
    assert.equal(platformOf(kube.env).recordStore, 'kubernetes');
    assert.equal(platformOf(kube.env).stackName, undefined);
    assert.equal(platformOf(kube.env).hosts, undefined);
    assert.equal(platformOf({ platform: 'local' }).recordStore, 'local');
    assert.ok(platformOf({ platform: 'local' }).hosts);
  });

  it('refuses host operations on a Kubernetes environment with one line and the USAGE code', () => {
    const kube = testContext({ dir: ROOT, env: 'kube-staging' });
    assert.throws(
      () => hostOps(kube),
      (e: unknown) => e instanceof UserError && e.code === 'USAGE' && e.message === 'kube-staging is not an AWS or local environment',
    );
    assert.equal(hostOps(testContext({ dir: ROOT, env: 'staging' })), platformOf({ platform: 'aws' }).hosts);
  });

  it("requirePlatform throws the caller's line and hint for another platform, nothing for its own", () => {
    const { env } = testContext({ dir: ROOT, env: 'staging' });
    const refusal = { message: 'staging is not a local environment', hint: 'only local' };
    assert.throws(
      () => requirePlatform(env, 'local', refusal),
      (e: unknown) => e instanceof UserError && e.message === refusal.message && e.hint === 'only local' && e.code === 'USAGE',
    );
    assert.doesNotThrow(() => requirePlatform(env, 'aws', refusal));
  });
});
