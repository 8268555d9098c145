/** AWS: CloudFormation stacks, EC2 hosts reached by Ansible, records and locks in DynamoDB. */
import { stackName } from '../names.js';
import { computedVars } from '../deploy/vars.js';
import { openAwsState } from '../records/stores.js';
import { info } from '../io.js';
import { AWS_HOSTS } from './aws-hosts.js';
import type { PlatformOps, PlatformPlan } from './types.js';

export const AWS: PlatformOps = {
  recordStore: 'dynamodb',
  async openState(ctx, cache, opts) {
    return { ...(await openAwsState(ctx, opts)), cache };
  },
  async doctorFindings(ctx, liveHolder, notes, checked) {
    checked.push('stack', 'image-builder');
    const { awsFindings } = await import('../doctor/aws.js');
    return awsFindings(ctx, liveHolder, notes);
  },
  async plan(ctx, opts) {
    const [{ imageState }, { previewChanges }, { envStackName }, { checkTemplate }] = await Promise.all([
      import('../aws/image.js'),
      import('../aws/changes.js'),
      import('../aws/stack.js'),
      import('../plan/template-check.js'),
    ]);
    const template = await checkTemplate(ctx);
    info(ctx.io, 'plan.image', 'checking whether the image must be baked');
    const image = await imageState(ctx);
    info(ctx.io, 'plan.stack', 'previewing the stack change set');
    const preview = await previewChanges(ctx);
    const out: PlatformPlan = {
      template,
      image: {
        needsBake: image.needsBake,
        reason: image.reason,
        current: image.current ? { imageId: image.current.imageId, name: image.current.name } : null,
      },
      stack: {
        name: envStackName(ctx),
        exists: preview.stackExists,
        action: !preview.stackExists ? 'create' : preview.changing ? 'update' : 'unchanged',
        changes: preview.changes,
        parameters: preview.parameters,
        capabilities: preview.capabilities,
        ...preview.meta,
      },
      notes: [],
      hosts: preview.stackExists,
    };
    if (!preview.stackExists) {
      out.notes.push(`the stack ${out.stack!.name} does not exist yet: a commission creates it; its hosts are known after that`);
      if (opts.ansibleCheck) out.notes.push('--ansible-check needs hosts: run it once the stack exists');
    }
    return out;
  },
  stackName: (env) => stackName(env.settings.app_name, env.name),
  configExtras: (ctx) => ({
    stack: stackName(ctx.env.settings.app_name, ctx.env.name),
    aws: { ...ctx.env.aws, region: ctx.aws.config.region, endpoint_url: ctx.aws.config.endpointUrl ?? null },
    computed: computedVars(ctx, undefined),
  }),
  hosts: AWS_HOSTS,
};
