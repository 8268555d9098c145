import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { withImageLock } from '../locks/image-lock.js';
import { InterruptedError, OperationError, UserError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { imageInstanceName, imageName } from '../names.js';
import type { AnsibleHost } from '../ansible/types.js';
import { createImage, describeImages, describeInstances, runInstance, terminateInstances, type Instance } from '../../providers/aws/ec2.js';
import { HASH_TAG, IMAGE_GROUPS, IMAGE_PLAYBOOK, imageInputsHash, imageState, type AmiRef } from './image.js';
import { imageLaunchSpec } from './launch.js';
import { checkKeyFile, preflight, touched } from './preflight.js';
import { backoff, sleep } from './sleep.js';
import { privateKeyPath } from '../ansible/keys.js';
import { bastionSshArgs, loopbackHost } from '../deploy/connection.js';
import { bakePreflight, imageVars } from './bake-preflight.js';

export interface BakeResult {
  baked: boolean;
  reason: string;
  inputsHash: string;
  image?: AmiRef;
}

/**
 * Bake `<app>-image` unless an image with the same inputs exists (`force` rebakes). Holds the
 * application's image lock: the builder and the images are shared by its environments.
 */
export async function bake(ctx: Context, opts: { force?: boolean } = {}): Promise<BakeResult> {
  await bakeChecks(ctx);
  await preflight(ctx);
  if (ctx.options.dryRun) return bakeUnlocked(ctx, opts);
  return withImageLock(ctx, 'bake', () => bakeUnlocked(ctx, opts));
}

/**
 * The local checks of a bake (the image playbook and its inputs, Ansible, the key): no AWS call,
 * no write, so a bad playbook is refused before the image lock or its state table exists.
 * ansible-playbook's check is cached by its inputs, so running it when no bake follows is cheap.
 */
export async function bakeChecks(ctx: Context): Promise<void> {
  imageInputsHash(ctx);
  await bakePreflight(ctx);
}

async function bakeUnlocked(ctx: Context, opts: { force?: boolean }): Promise<BakeResult> {
  const state = await imageState(ctx);
  if (!state.needsBake && !opts.force) {
    info(ctx.io, 'image.skip', `image up to date: ${state.reason}; nothing to bake (--force rebakes)`);
    return { baked: false, reason: state.reason, inputsHash: state.inputsHash, image: state.current };
  }
  const reason = opts.force && !state.needsBake ? 'forced with --force' : state.reason;
  if (ctx.options.dryRun) {
    info(ctx.io, 'image.dry-run', `would bake ${imageName(ctx.env.settings.app_name)} (${reason})`);
    return { baked: false, reason: `dry run: ${reason}`, inputsHash: state.inputsHash, image: state.current };
  }
  checkKeyFile(ctx);
  if (ctx.aws.isLocalEndpoint && ctx.env.aws.connection !== 'local' && ctx.env.aws.connection !== 'loopback') {
    // The emulator's instance addresses are fake (some are real public addresses): never SSH to them.
    throw new UserError(
      `${ctx.env.name} reaches hosts over SSH, but ${ctx.aws.config.endpointUrl} is a local AWS endpoint whose instances do not exist`,
      {
        hint: 'bake with an environment that has `aws: { connection: local }` (the image is the same for every environment), or point at real AWS',
        code: 'EMULATOR_HOSTS',
      },
    );
  }
  await warnLeftovers(ctx);
  info(ctx.io, 'image.bake', `baking ${imageName(ctx.env.settings.app_name)}: ${reason}`);
  const instance = await launch(ctx, state.inputsHash);
  const id = instance.InstanceId!;
  await provision(ctx, instance);
  const captured = await capture(ctx, id, state.inputsHash);
  await terminateInstances(ctx.aws, [id]);
  info(ctx.io, 'image.instance.terminated', `terminated the image instance ${id}`);
  const image = captured;
  success(ctx.io, 'image.baked', `baked ${image.name} (${image.imageId})`);
  return { baked: true, reason, inputsHash: state.inputsHash, image };
}

async function warnLeftovers(ctx: Context): Promise<void> {
  const left = await leftoverImageInstances(ctx);
  if (left.length) {
    warn(
      ctx.io,
      'image.leftover',
      `leftover image instance(s) from an earlier bake: ${left.map((i) => i.InstanceId).join(', ')}; \`fragctl ${ctx.env.name} clean\` removes them`,
    );
  }
}

/** Image instances that were not terminated (a failed or interrupted bake). */
export async function leftoverImageInstances(ctx: Context): Promise<Instance[]> {
  const app = ctx.env.settings.app_name;
  return describeInstances(ctx.aws, [
    { Name: 'tag:App', Values: [app] },
    { Name: 'tag:Name', Values: [imageInstanceName(app)] },
    { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
  ]);
}

async function launch(ctx: Context, inputsHash: string): Promise<Instance> {
  const spec = imageLaunchSpec(ctx);
  const app = ctx.env.settings.app_name;
  const tags = { ...spec.tags, Name: imageInstanceName(app), App: app, Env: ctx.env.name, Group: 'image', [HASH_TAG]: inputsHash };
  const launched = await runInstance(ctx.aws, { ...spec, tags });
  const id = launched.InstanceId!;
  touched(ctx, `launched image instance ${id}`, { instanceId: id });
  const progress = ctx.io.progress(`waiting for the image instance ${id} to run`);
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const [current] = await describeInstances(ctx.aws, [], [id]);
    const state = current?.State?.Name;
    if (current && state === 'running') {
      progress.succeed(`image instance ${id} is running`);
      return current;
    }
    if (state && state !== 'pending') {
      progress.fail();
      throw new OperationError(`the image instance ${id} is ${state} instead of running`, {
        hint: `see the instance in the EC2 console; \`fragctl ${ctx.env.name} clean\` removes it`,
        code: 'IMAGE_INSTANCE',
      });
    }
    await sleep(delay(), ctx.signal, () => interrupted(ctx, id, 'is starting'));
  }
}

function interrupted(ctx: Context, id: string, what: string): InterruptedError {
  return new InterruptedError(`stopped waiting: the image instance ${id} ${what} on AWS`, {
    hint: `\`fragctl ${ctx.env.name} clean\` removes the instance; \`fragctl ${ctx.env.name} bake\` starts over`,
    code: 'WAIT_INTERRUPTED',
  });
}

/** The Ansible host for the image instance; with the local connection, a private folder instead of SSH. */
export function imageHost(ctx: Context, instance: Instance): AnsibleHost {
  const name = imageInstanceName(ctx.env.settings.app_name);
  const groups = IMAGE_GROUPS;
  const conn = ctx.env.aws.connection;
  if (conn === 'local') {
    // The emulator's addresses are fake: never connect to them. Provision a folder on this machine.
    const root = join(ctx.project.paths.state, 'hosts', name);
    mkdirSync(root, { recursive: true });
    return {
      name,
      address: '127.0.0.1',
      connection: 'local',
      groups,
      vars: { deploy_root: root, fragctl_sandbox: true, instance_id: instance.InstanceId },
    };
  }
  const user = ctx.env.settings.ssh_user;
  if (conn === 'loopback') {
    const stand = loopbackHost(ctx, 'image', 0, instance.InstanceId ?? name);
    return {
      name,
      address: stand.address,
      port: stand.port,
      user: stand.user ?? user,
      groups,
      connection: 'ssh',
      vars: { instance_id: instance.InstanceId, ...stand.vars },
    };
  }
  if (conn === 'bastion') {
    const jump = bastionSshArgs(ctx);
    return {
      name,
      address: instance.PrivateIpAddress ?? '',
      user,
      groups,
      connection: 'ssh',
      vars: { ansible_ssh_common_args: jump, instance_id: instance.InstanceId },
    };
  }
  return {
    name,
    address: instance.PublicDnsName || instance.PublicIpAddress || '',
    user,
    groups,
    connection: 'ssh',
    vars: { instance_id: instance.InstanceId },
  };
}

async function provision(ctx: Context, instance: Instance): Promise<void> {
  const id = instance.InstanceId!;
  const host = imageHost(ctx, instance);
  const reach =
    host.connection === 'local'
      ? `its files are in ${String(host.vars?.deploy_root)}`
      : `reach it with \`ssh -i keys/${ctx.env.settings.key_name}.pem ${host.user}@${host.address}\``;
  const keep = `the image instance ${id} is kept for debugging: ${reach}; \`fragctl ${ctx.env.name} clean\` removes it`;
  const { runPlaybook } = await import('../ansible/playbook.js');
  if (host.connection === 'ssh') {
    const { waitForSsh } = await import('../hosts/wait-ssh.js');
    await waitForSsh(ctx, [{ ...host, vars: { ansible_ssh_private_key_file: privateKeyPath(ctx), ...host.vars } }]);
  }
  let ok = false;
  try {
    // bake() began with bakePreflight: the same playbook and variables, checked on a stand-in with
    // this host's name and groups (all a play's pattern can match), so it is not checked twice.
    const recap = await runPlaybook(ctx, { playbook: IMAGE_PLAYBOOK, hosts: [host], vars: imageVars(ctx), skipSyntaxCheck: true });
    ok = recap.ok;
  } catch (e) {
    if (e instanceof InterruptedError || ctx.signal.aborted) {
      throw new InterruptedError(`interrupted while provisioning the image instance ${id}`, { hint: keep, code: 'INTERRUPTED', cause: e });
    }
    const err = e as { message?: string; hint?: string };
    throw new OperationError(`provisioning the image failed: ${err.message ?? String(e)}`, {
      hint: keep,
      code: 'IMAGE_PROVISION',
      cause: e,
    });
  }
  if (!ok)
    throw new OperationError(`provisioning the image failed (playbooks/${IMAGE_PLAYBOOK}, see Ansible's output above)`, {
      hint: keep,
      code: 'IMAGE_PROVISION',
    });
}

async function capture(ctx: Context, instanceId: string, inputsHash: string): Promise<AmiRef> {
  const app = ctx.env.settings.app_name;
  const name = `${imageName(app)}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`;
  const imageId = await createImage(ctx.aws, instanceId, name, {
    Name: imageName(app),
    App: app,
    [HASH_TAG]: inputsHash,
    'fragctl:base-image': ctx.env.settings.base_image_id,
  });
  touched(ctx, `created image ${imageId}`, { imageId });
  const progress = ctx.io.progress(`waiting for image ${name} (${imageId}) to be available`);
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    const [image] = await describeImages(ctx.aws, [], [imageId]);
    if (image?.State === 'available') {
      progress.succeed(`image ${imageId} is available`);
      return { imageId, name, created: image.CreationDate };
    }
    if (image?.State === 'failed' || image?.State === 'invalid') {
      progress.fail();
      throw new OperationError(`image ${imageId} is ${image.State}: ${image.StateReason?.Message ?? 'no reason given'}`, {
        hint: `the image instance ${instanceId} is kept; \`fragctl ${ctx.env.name} clean\` removes both`,
        code: 'IMAGE_FAILED',
      });
    }
    await sleep(delay(), ctx.signal, () => interrupted(ctx, instanceId, `is being captured into ${imageId}`));
  }
}
