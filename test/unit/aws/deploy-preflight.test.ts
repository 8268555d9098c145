/** The hosts a commission is about to create, read from the template, for checking the deploy's plays first. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { templateHosts } from '../../../src/core/aws/deploy-preflight.js';
import { buildParameters, PLACEHOLDER_IMAGE } from '../../../src/core/aws/parameters.js';
import { desiredTemplate } from '../../../src/core/aws/stack.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

describe('templateHosts', () => {
  it('the multi-host fixture: one host per instance, its Group and ec2.py groups from the resolved !Sub tags', async () => {
    const ctx = testContext({ ...SDK_MOCKED, dir: join(ROOT, 'test', 'fixtures', 'multi-host'), env: 'demo' });
    const { template } = desiredTemplate(ctx);
    const hosts = templateHosts(ctx, template, await buildParameters(ctx, template, PLACEHOLDER_IMAGE))!;
    assert.deepEqual(
      hosts.map((h) => [h.name, h.groups]),
      [
        ['AppServer', ['app']],
        ['DbServer', ['db']],
        ['WebServer', ['webserver']],
      ],
    );
    const app = hosts[0]!.compatGroups!;
    for (const g of [
      'tag_Name_shop-demo-app',
      'tag_Name_shop_demo_app',
      'tag_Env_demo',
      'type_t2_micro',
      'key_shop-ops',
      'ec2',
      'us-east-1',
    ])
      assert.ok(app.includes(g), `${g} in ${app.join(' ')}`);
    assert.ok(hosts[1]!.compatGroups!.includes('type_t2_small'), 'DbServerSize keeps its Default');
  });

  it('the reference project: conditions decide between the app group and the single instance; workers only when enabled', async () => {
    const ctx = testContext({ ...SDK_MOCKED, env: 'demo' });
    const { template } = desiredTemplate(ctx);
    const params = { App: ctx.env.settings.app_name, Env: 'demo', ImageId: PLACEHOLDER_IMAGE };
    const groups = (p: Record<string, string>) =>
      templateHosts(ctx, template, p)!
        .map((h) => `${h.name}:${h.groups.join(',')}`)
        .sort();
    assert.deepEqual(groups({ ...params, AppServerMode: 'autoscaling', EnableWorkers: 'false' }), [
      'AppGroup:app',
      'KnowledgeServer:knowledge',
    ]);
    assert.deepEqual(groups({ ...params, AppServerMode: 'single', EnableWorkers: 'false' }), [
      'AppInstance:app',
      'KnowledgeServer:knowledge',
    ]);
    assert.ok(groups({ ...params, AppServerMode: 'single', EnableWorkers: 'true' }).some((g) => g.endsWith(':worker')));
  });

  it('instances whose tags the template cannot tell (a nested stack, a group tagged by its launch template) leave the check to the deploy', () => {
    const ctx = testContext({ ...SDK_MOCKED, env: 'demo' });
    const nested = {
      Resources: {
        Web: { Type: 'AWS::EC2::Instance', Properties: { Tags: [{ Key: 'Group', Value: 'web' }] } },
        More: { Type: 'AWS::CloudFormation::Stack', Properties: {} },
      },
    };
    assert.equal(templateHosts(ctx, nested, {}), undefined);
    const untagged = {
      Resources: {
        Workers: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { Tags: [{ Key: 'Group', Value: 'worker', PropagateAtLaunch: false }] },
        },
      },
    };
    assert.equal(templateHosts(ctx, untagged, {}), undefined);
  });
});
