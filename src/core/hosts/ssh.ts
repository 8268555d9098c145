/** `fragctl <env> ssh <group>[/<n>]`: which host, with which key and address. */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { checkPrivateKey } from '../ansible/keys.js';
import { debug } from '../io.js';
import { runSsh, type SshTarget } from '../../providers/shell/ssh.js';
import { checkGroupName, findInstances } from './aws-hosts.js';
import { localHosts } from './local-hosts.js';
import { bastionProxyCommand, loopbackHost, refuseEmulatorAddresses } from '../deploy/connection.js';

export function parseHostSpec(spec: string): { group: string; index: number } {
  const m = /^([A-Za-z0-9_-]+)(?:\/(\d+))?$/.exec(spec);
  if (!m || (m[2] !== undefined && Number(m[2]) < 1)) {
    throw new UserError(`"${spec}" is not a host: expected <group> or <group>/<n> (n from 1)`, {
      hint: 'e.g. fragctl staging ssh app/2',
      code: 'USAGE',
    });
  }
  return { group: m[1]!, index: m[2] ? Number(m[2]) : 1 };
}

export async function sshTarget(ctx: Context, spec: string): Promise<SshTarget & { name: string }> {
  const { group, index } = parseHostSpec(spec);
  const knownHostsFile = join(ctx.project.paths.state, 'known_hosts');
  if (ctx.env.platform === 'local') {
    const hosts = await localHosts(ctx);
    checkGroupName(
      group,
      hosts.flatMap((h) => h.groups),
    );
    const h = pick(
      hosts.filter((x) => x.groups.includes(group)),
      index,
      group,
      ctx.env.name,
    );
    const key = typeof h.vars?.ansible_ssh_private_key_file === 'string' ? h.vars.ansible_ssh_private_key_file : checkPrivateKey(ctx);
    return { name: h.name, address: h.address, port: h.port, user: h.user, privateKey: key, knownHostsFile };
  }
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
  const i = pick(instances, index, group, ctx.env.name);
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
}

/** Opens an SSH session (or runs a command) on a host of a group; resolves ssh's exit code. */
export async function openSsh(ctx: Context, spec: string, command: string[]): Promise<number> {
  const target = await sshTarget(ctx, spec);
  debug(ctx.io, 'ssh.target', `ssh ${target.user ?? ''}@${target.address}:${target.port ?? 22} (${target.name})`);
  return runSsh(target, command);
}

function pick<T>(list: T[], index: number, group: string, env: string): T {
  if (list.length === 0)
    throw new UserError(`group ${group} of ${env} has no running hosts`, { hint: `fragctl ${env} hosts lists them`, code: 'NO_HOSTS' });
  const h = list[index - 1];
  if (!h)
    throw new UserError(`group ${group} has ${list.length} host${list.length > 1 ? 's' : ''}, not ${index}`, {
      hint: `use ${group}/1 to ${group}/${list.length}`,
      code: 'NO_HOSTS',
    });
  return h;
}
