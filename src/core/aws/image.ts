import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import jsYaml from 'js-yaml';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { imageName } from '../names.js';
import { describeImages, tagOf, type Image } from '../../providers/aws/ec2.js';

export const IMAGE_PLAYBOOK = 'image.yml';
/** The image tag that holds the hash of what the image was baked from. */
export const HASH_TAG = 'fragctl:inputs-hash';

export interface ImageRef {
  imageId: string;
  name: string;
  created?: string;
}

export interface ImageState {
  inputsHash: string;
  current?: ImageRef;
  needsBake: boolean;
  reason: string;
}

/** The roles a playbook's plays name (strings or `{ role: x }` entries), plus their meta dependencies. */
export function playbookRoles(playbooksDir: string, playbookFile: string): string[] {
  const text = readFileSync(join(playbooksDir, playbookFile), 'utf8');
  let plays: unknown;
  try {
    plays = jsYaml.load(text);
  } catch (e) {
    throw new UserError(`playbooks/${playbookFile}: ${(e as Error).message.split('\n')[0]}`, { hint: 'fix the YAML syntax', code: 'PLAYBOOK_SYNTAX' });
  }
  const found = new Set<string>();
  const add = (entry: unknown): void => {
    const name = typeof entry === 'string' ? entry : (entry as { role?: unknown; name?: unknown } | null)?.role ?? (entry as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || found.has(name)) return;
    found.add(name);
    const meta = ['yml', 'yaml'].map((ext) => join(playbooksDir, 'roles', name, 'meta', `main.${ext}`)).find(existsSync);
    if (!meta) return;
    const deps = (jsYaml.load(readFileSync(meta, 'utf8')) as { dependencies?: unknown[] } | null)?.dependencies ?? [];
    for (const dep of deps) add(dep);
  };
  for (const play of Array.isArray(plays) ? plays : []) {
    for (const entry of ((play as { roles?: unknown[] } | null)?.roles ?? [])) add(entry);
  }
  return [...found].sort();
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** sha256 of the base image ID, playbooks/image.yml and every file of the roles it uses. */
export function imageInputsHash(ctx: Context): string {
  const dir = ctx.project.paths.playbooks;
  const playbook = join(dir, IMAGE_PLAYBOOK);
  if (!existsSync(playbook)) {
    throw new UserError(`the image playbook playbooks/${IMAGE_PLAYBOOK} does not exist`, {
      hint: 'bake provisions the image with playbooks/image.yml: create it (see "The ops project" in the README)',
      code: 'PLAYBOOK_MISSING',
    });
  }
  const hash = createHash('sha256');
  hash.update(`base:${ctx.env.settings.base_image_id}\n`);
  hash.update(`playbook:${readFileSync(playbook)}\n`);
  for (const role of playbookRoles(dir, IMAGE_PLAYBOOK)) {
    const roleDir = join(dir, 'roles', role);
    for (const file of filesUnder(roleDir)) {
      hash.update(`file:${relative(dir, file)}\n`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 20);
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

export const toRef = (i: Image): ImageRef => ({ imageId: i.ImageId ?? '?', name: i.Name ?? '?', created: i.CreationDate });

/** Whether a bake is due: the image for the current inputs, if any. One DescribeImages call. */
export async function imageState(ctx: Context): Promise<ImageState> {
  const inputsHash = imageInputsHash(ctx);
  const images = await listImages(ctx);
  const match = images.find((i) => tagOf(i.Tags, HASH_TAG) === inputsHash && i.State === 'available');
  if (match) return { inputsHash, current: toRef(match), needsBake: false, reason: `${match.ImageId} was baked from the same inputs` };
  const newest = images[0];
  return {
    inputsHash,
    current: newest ? toRef(newest) : undefined,
    needsBake: true,
    reason: newest
      ? `the inputs changed since ${newest.ImageId} (base image, playbooks/${IMAGE_PLAYBOOK} or its roles)`
      : `no ${imageName(ctx.env.settings.app_name)} exists yet`,
  };
}
