/**
 * How Ansible reaches the instances of an AWS environment (env `aws.connection`):
 * - public: their public DNS name (or public IP);
 * - bastion: their private address through a bastion host (an ssh ProxyCommand with the same key);
 * - local: nowhere. At the local AWS endpoint hosts do not exist, so the playbooks run on the
 *   operator's machine with Ansible's local connection, each host sandboxed in .fragctl/hosts/<id>;
 * - loopback: SSH servers on loopback addresses stand in for the instances (`aws.loopback_hosts`,
 *   per Group tag in launch order): a rehearsal over real SSH against a local AWS endpoint. An
 *   instance without a stand-in is an error; its own address is never used.
 * Every AWS host also gets the groups and variables of Ansible's old ec2.py inventory (ec2-compat).
 */
import { join } from 'node:path';
import type { AnsibleHost } from '../ansible/types.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { hostsDir } from '../hosts/local-hosts.js';
import { privateKeyPath } from '../ansible/keys.js';
import type { InstanceFacts } from '../../providers/aws/ec2-hosts.js';
import { ec2Groups, ec2HostVars } from '../hosts/ec2-compat.js';

/** Refuses ssh connections to instances a local AWS endpoint made up: their addresses are fake. */
export function refuseEmulatorAddresses(ctx: Context): void {
  if (ctx.aws.isLocalEndpoint && ctx.env.aws.connection !== 'local' && ctx.env.aws.connection !== 'loopback') {
    throw new UserError(
      `the hosts of ${ctx.env.name} come from a local AWS endpoint (${ctx.aws.config.endpointUrl}): they do not exist and fragctl will not connect to their addresses`,
      {
        hint: `set \`aws: { connection: local }\` in ${ctx.env.file ?? `environments/${ctx.env.name}.yml`} to run the playbooks locally, one directory per host`,
        code: 'EMULATOR_HOSTS',
      },
    );
  }
}

export function instanceVars(i: InstanceFacts): Record<string, unknown> {
  return {
    ec2_instance_id: i.instanceId,
    ec2_state: i.state,
    ec2_name: i.tags.Name ?? '',
    ec2_group: i.tags.Group ?? '',
    ec2_private_ip: i.privateIp ?? '',
    ec2_public_ip: i.publicIp ?? '',
    ec2_private_dns: i.privateDns ?? '',
    ec2_public_dns: i.publicDns ?? '',
    ec2_launch_time: i.launchTime ?? '',
    ec2_instance_type: i.instanceType ?? '',
    ec2_image_id: i.imageId ?? '',
    ec2_availability_zone: i.availabilityZone ?? '',
    ec2_tags: i.tags,
  };
}

/** One AnsibleHost per instance, named by instance ID (Name tags repeat in an Auto Scaling group). */
export function toAnsibleHosts(ctx: Context, instances: InstanceFacts[], extraVars: Record<string, unknown> = {}): AnsibleHost[] {
  const mode = ctx.env.aws.connection;
  const user = ctx.env.settings.ssh_user;
  const region = ctx.aws.config.region;
  const seen = new Map<string, number>();
  return instances.map((i) => {
    const groups = i.tags.Group ? [i.tags.Group] : [];
    const compatGroups = ec2Groups(i, region);
    const vars = { ...extraVars, ...ec2HostVars(i, region), ...instanceVars(i) };
    if (mode === 'local') {
      return {
        name: i.instanceId,
        address: 'localhost',
        groups,
        compatGroups,
        connection: 'local' as const,
        vars: { ...vars, fragctl_sandbox: true, deploy_root: join(hostsDir(ctx), i.instanceId) },
      };
    }
    if (mode === 'loopback') {
      const group = i.tags.Group ?? '';
      const n = seen.get(group) ?? 0;
      seen.set(group, n + 1);
      const stand = loopbackHost(ctx, group, n, i.instanceId);
      return {
        name: i.instanceId,
        address: stand.address,
        port: stand.port,
        user: stand.user ?? user,
        groups,
        compatGroups,
        connection: 'ssh' as const,
        vars: { ...vars, fragctl_sandbox: false, deploy_root: '', ...stand.vars },
      };
    }
    const base = { ...vars, fragctl_sandbox: false, deploy_root: '' };
    if (mode === 'bastion') {
      return {
        name: i.instanceId,
        address: i.privateIp ?? '',
        user,
        groups,
        compatGroups,
        connection: 'ssh' as const,
        vars: { ...base, ansible_ssh_common_args: bastionSshArgs(ctx) },
      };
    }
    return {
      name: i.instanceId,
      address: i.publicDns ?? i.publicIp ?? '',
      user,
      groups,
      compatGroups,
      connection: 'ssh' as const,
      vars: base,
    };
  });
}

/** The loopback SSH server that plays the n-th instance (by launch time) of a group. */
export function loopbackHost(
  ctx: Context,
  group: string,
  n: number,
  instanceId: string,
): { address: string; port: number; user?: string; vars?: Record<string, unknown> } {
  const stand = ctx.env.aws.loopback_hosts?.[group]?.[n];
  if (!stand) {
    throw new UserError(`${instanceId} (group ${group || 'none'}, #${n + 1}) has no stand-in in aws.loopback_hosts`, {
      hint: `add a loopback SSH server for it under aws.loopback_hosts.${group || '<group>'} in ${ctx.env.file ?? 'the environment file'}; fragctl never connects to an emulator's addresses`,
      code: 'LOOPBACK_MISSING',
    });
  }
  return stand;
}

/**
 * The bastion hop. ProxyJump would start the jump's ssh without our --private-key, so the hop is
 * spelled out as a ProxyCommand that uses the same key and known_hosts file.
 */
export function bastionProxyCommand(ctx: Context): string {
  const b = requireBastion(ctx);
  const known = join(ctx.project.paths.state, 'known_hosts');
  return `ssh -i ${privateKeyPath(ctx)} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${known} -p ${b.port} -W %h:%p ${b.user}@${b.host}`;
}

/** The same hop as Ansible's ssh arguments: bake, deploy and inventory connect alike. */
export function bastionSshArgs(ctx: Context): string {
  return `-o ProxyCommand="${bastionProxyCommand(ctx)}"`;
}

/** The environment's bastion; one error wherever a bastion connection is attempted without one. */
export function requireBastion(ctx: Pick<Context, 'env'>): { host: string; user: string; port: number } {
  const b = ctx.env.aws.bastion;
  if (!b) {
    throw new UserError(`${ctx.env.name} connects through a bastion but names none`, {
      hint: `add \`aws: { bastion: { host: bastion.example.com, user: ubuntu } }\` to ${ctx.env.file ?? 'the environment file'}`,
      code: 'BASTION_MISSING',
    });
  }
  return b;
}

/** Instances Ansible cannot reach with this connection mode (no address). */
export function unreachableByConfig(ctx: Context, hosts: AnsibleHost[]): string[] {
  if (ctx.env.aws.connection === 'local') return [];
  return hosts
    .filter((h) => !h.address)
    .map((h) => `${h.name} has no ${ctx.env.aws.connection === 'bastion' ? 'private' : 'public'} address`);
}
