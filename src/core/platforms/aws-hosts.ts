/** The AWS platform's hosts: EC2 instances found by their App/Env/Group tags and the stack, reached as configured (aws.connection). */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { checkPrivateKey } from '../ansible/keys.js';
import { stackName } from '../names.js';
import { checkGroupName, findInstances, toRow } from '../hosts/aws-hosts.js';
import { pickHost } from '../hosts/pick.js';
import { bastionProxyCommand, loopbackHost, refuseEmulatorAddresses, toAnsibleHosts } from '../deploy/connection.js';
import { playbookVars } from '../deploy/vars.js';
import { describeInstances, stackOutputs } from '../../providers/aws/ec2-hosts.js';
import type { HostOps } from './types.js';

export const AWS_HOSTS: HostOps = {
  async targets(ctx, opts) {
    if (!opts.forPlan) refuseEmulatorAddresses(ctx);
    const app = ctx.env.settings.app_name;
    const stack = stackName(app, ctx.env.name);
    const [tagged, ofStack, outputs] = await Promise.all([
      findInstances(ctx),
      describeInstances(ctx.aws, { tags: { 'aws:cloudformation:stack-name': [stack] } }),
      stackOutputs(ctx.aws, stack),
    ]);
    const byId = new Map(tagged.map((i) => [i.instanceId, i]));
    for (const i of ofStack) if (!byId.has(i.instanceId)) byId.set(i.instanceId, i);
    const instances = [...byId.values()];
    if (instances.length === 0 && !opts.forPlan) {
      throw new UserError(`environment ${ctx.env.name} has no hosts: no instance is tagged App=${app}, Env=${ctx.env.name}`, {
        hint: `create it first (fragctl ${ctx.env.name} create), or check the region and endpoint`,
        code: 'NO_HOSTS',
      });
    }
    const vars = playbookVars(ctx, outputs);
    const hosts = toAnsibleHosts(ctx, instances, outputs ? { stack_outputs: outputs } : {});
    const notes: string[] = [];
    if (outputs?.DatabaseEndpoint && !hosts.some((h) => h.groups.includes('database'))) {
      notes.push(`the database is RDS (${outputs.DatabaseEndpoint}); playbooks/database.yml prepares it from an app host`);
    }
    return { hosts, vars, outputs, notes, instances };
  },

  // The settings say which groups exist; a missing one is a contract violation, not a skip.
  async defaultRoles(ctx, known) {
    const workers = ctx.env.settings.enable_workers;
    return known.filter((r) => workers || (r !== 'broker' && r !== 'worker'));
  },

  async list(ctx, group) {
    checkGroupName(group);
    return (await findInstances(ctx, group)).map(toRow);
  },

  async sshTarget(ctx, { group, index, knownHostsFile }) {
    if (ctx.env.aws.connection === 'local') {
      throw new UserError(`the hosts of ${ctx.env.name} do not exist: it runs its playbooks locally (aws.connection: local)`, {
        hint: `what each host received is under ${join('.fragctl', 'hosts', '<instance-id>')}`,
        code: 'NO_SSH',
      });
    }
    refuseEmulatorAddresses(ctx);
    checkGroupName(group);
    const key = checkPrivateKey(ctx);
    const instances = (await findInstances(ctx, group)).filter((i) => i.state === 'running');
    const i = pickHost(instances, index, group, ctx.env.name);
    const user = ctx.env.settings.ssh_user;
    if (ctx.env.aws.connection === 'loopback') {
      // the stand-in SSH server, never the instance's own (emulated) address
      const stand = loopbackHost(ctx, group, instances.indexOf(i), i.instanceId);
      return { name: i.instanceId, address: stand.address, port: stand.port, user: stand.user ?? user, privateKey: key, knownHostsFile };
    }
    if (ctx.env.aws.connection === 'bastion') {
      return {
        name: i.instanceId,
        address: i.privateIp ?? '',
        user,
        privateKey: key,
        knownHostsFile,
        proxyCommand: bastionProxyCommand(ctx),
      };
    }
    const address = i.publicDns ?? i.publicIp;
    if (!address)
      throw new UserError(`${i.instanceId} has no public address`, {
        hint: 'set aws.connection: bastion for private hosts',
        code: 'NO_ADDRESS',
      });
    return { name: i.instanceId, address, user, privateKey: key, knownHostsFile };
  },

  async inventory(ctx) {
    if (ctx.env.aws.connection !== 'local') refuseEmulatorAddresses(ctx);
    const [instances, outputs] = await Promise.all([
      findInstances(ctx),
      stackOutputs(ctx.aws, stackName(ctx.env.settings.app_name, ctx.env.name)),
    ]);
    const vars = playbookVars(ctx, outputs);
    return { hosts: toAnsibleHosts(ctx, instances, { stack_outputs: outputs ?? {} }), vars };
  },

  // Instances an autoscaling group adds later configure themselves from the bundle of
  // the last successful deploy (docs/instances.md).
  async afterDeploy(ctx, t) {
    if (!t.outputs) return;
    const { publishBundle } = await import('../aws/bundle.js');
    await publishBundle(ctx, t.outputs, t.vars);
  },
};
