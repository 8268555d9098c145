/**
 * The template side of rolling image updates, on moto: the reference app formation with its
 * UpdatePolicy is accepted, a new ImageId gives the launch template a new version, and the groups'
 * instances are read back from the real DescribeAutoScalingGroups to decide whether a refresh is due.
 * (moto neither rolls the group nor versions the launch template on UpdateStack: the roll itself is not shown here.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudFormationClient, CreateStackCommand, GetTemplateCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { buildTemplate, serializeTemplate } from '../../../src/core/formations/index.js';
import { rollStaleGroups, staleInstances } from '../../../src/core/aws/instance-refresh.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

describe('rolling image updates: the template on moto', () => {
  let moto: Moto;
  const cfg = (url: string) => ({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto?.stop());

  it('the app group keeps its UpdatePolicy through an image update, and its instances read back from moto need no refresh', async () => {
    const cfn = new CloudFormationClient(cfg(moto.url));
    const asg = new AutoScalingClient(cfg(moto.url));
    const ec2 = new EC2Client(cfg(moto.url));
    const ami = async (name: string) => (await ec2.send(new RegisterImageCommand({ Name: name, RootDeviceName: '/dev/sda1' }))).ImageId!;
    const [first, second] = [await ami('frag-image-1'), await ami('frag-image-2')];
    const body = serializeTemplate(buildTemplate(ROOT, { list: ['base.yaml', 'app.yaml'] }), 'json'); // what fragctl sends (moto 5.2 fails on YAML `!Base64` user data)
    const params = (image: string) => [
      { ParameterKey: 'App', ParameterValue: 'frag' },
      { ParameterKey: 'Env', ParameterValue: 'demo' },
      { ParameterKey: 'KeyName', ParameterValue: 'frag-deploy' },
      { ParameterKey: 'ImageId', ParameterValue: image },
    ];
    await cfn.send(new CreateStackCommand({ StackName: 'frag-demo', TemplateBody: body, Parameters: params(first) }));
    const stored = (await cfn.send(new GetTemplateCommand({ StackName: 'frag-demo' }))).TemplateBody ?? '';
    assert.match(stored, /"AutoScalingRollingUpdate":\s*\{\s*"MinInstancesInService":\s*\{\s*"Ref":\s*"AppMinSize"/);

    const group = async () =>
      (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['frag-demo-app'] }))).AutoScalingGroups![0]!;
    assert.equal((await group()).Instances?.length, 1);

    await cfn.send(new UpdateStackCommand({ StackName: 'frag-demo', TemplateBody: body, Parameters: params(second) }));
    const afterUpdate = await group();
    // On AWS a new image is a new version of the same launch template, which the UpdatePolicy rolls.
    // moto 5.2 keeps the old launch template data on UpdateStack (seen here): the image is not checked.
    assert.ok(afterUpdate.LaunchTemplate?.LaunchTemplateId, "the group still launches from the formation's launch template");
    assert.deepEqual(staleInstances(afterUpdate), [], 'moto replaced the group: every instance runs the new version');
    const ctx = testContext({ ...SDK_MOCKED, endpointUrl: moto.url });
    assert.deepEqual(await rollStaleGroups(ctx), [], 'no refresh started (moto would answer StartInstanceRefresh with an error)');
  });
});
