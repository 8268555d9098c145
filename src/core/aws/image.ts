import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { imageInstanceName, imageName } from '../names.js';
import { describeChanges, inputsManifest, loadManifest, saveManifest, type InputsManifest } from './image-inputs.js';
import { describeImages, tagOf, type Image } from '../../providers/aws/ec2.js';

export const IMAGE_PLAYBOOK = 'image.yml';
/** The image host's groups: the bake's preflight stand-in and the instance share them (bake checks once). */
export const IMAGE_GROUPS = ['image'];
/** The image tag that holds the hash of what the image was baked from. */
export const HASH_TAG = 'fragctl:inputs-hash';

/** A baked machine image (an AMI); container images are kube/image.ts's ContainerImageRef. */
export interface AmiRef {
  imageId: string;
  name: string;
  created?: string;
}

export interface ImageState {
  inputsHash: string;
  current?: AmiRef;
  needsBake: boolean;
  reason: string;
}

/** The manifest of every file the image playbook can read (see image-inputs.ts), kept for plan. */
export function imageInputs(ctx: Context): InputsManifest {
  const dir = ctx.project.paths.playbooks;
  if (!existsSync(join(dir, IMAGE_PLAYBOOK))) {
    throw new UserError(`the image playbook playbooks/${IMAGE_PLAYBOOK} does not exist`, {
      hint: 'bake provisions the image with playbooks/image.yml: create it (see "The ops project" in the README)',
      code: 'PLAYBOOK_MISSING',
    });
  }
  const m = inputsManifest(dir, IMAGE_PLAYBOOK, imageInstanceName(ctx.env.settings.app_name), IMAGE_GROUPS, ctx.env.settings.base_image_id);
  saveManifest(ctx.project.paths.state, m);
  return m;
}

/** A hash of the base image ID and every file the image playbook can read. */
export function imageInputsHash(ctx: Context): string {
  return imageInputs(ctx).hash;
}

/** Every `<app>-image` we own, newest first. */
export async function listImages(ctx: Context): Promise<Image[]> {
  const app = ctx.env.settings.app_name;
  const images = await describeImages(ctx.aws, [
    { Name: 'tag:App', Values: [app] },
    { Name: 'tag:Name', Values: [imageName(app)] },
  ]);
  return images
    .filter((i) => i.State !== 'deregistered')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '') || (b.Name ?? '').localeCompare(a.Name ?? ''));
}

export const toRef = (i: Image): AmiRef => ({ imageId: i.ImageId ?? '?', name: i.Name ?? '?', created: i.CreationDate });

/** Whether a bake is due: the image for the current inputs, if any. One DescribeImages call. */
export async function imageState(ctx: Context): Promise<ImageState> {
  const inputs = imageInputs(ctx);
  const inputsHash = inputs.hash;
  const images = await listImages(ctx);
  const match = images.find((i) => tagOf(i.Tags, HASH_TAG) === inputsHash && i.State === 'available');
  if (match) return { inputsHash, current: toRef(match), needsBake: false, reason: `${match.ImageId} was baked from the same inputs` };
  const newest = images[0];
  return {
    inputsHash,
    current: newest ? toRef(newest) : undefined,
    needsBake: true,
    reason: newest ? changedSince(ctx, inputs, newest) : `no ${imageName(ctx.env.settings.app_name)} exists yet`,
  };
}

/** Names the changed files when the manifest of the newest image's inputs is known here. */
function changedSince(ctx: Context, now: InputsManifest, newest: Image): string {
  const hash = tagOf(newest.Tags, HASH_TAG);
  const before = hash ? loadManifest(ctx.project.paths.state, hash) : undefined;
  const changes = before ? describeChanges(before, now) : [];
  if (!changes.length)
    return `the inputs changed since ${newest.ImageId} (base image, playbooks/${IMAGE_PLAYBOOK}, its roles, vars or requirements)`;
  const shown = changes.slice(0, 5).join(', ') + (changes.length > 5 ? ` and ${changes.length - 5} more` : '');
  return `the inputs changed since ${newest.ImageId}: ${shown}`;
}
