import type { Context } from '../context.js';
import { loadEnvironment } from '../config/project.js';
import { stackName } from '../names.js';
import { platformOf } from '../platforms/index.js';
import { describeStack } from '../../providers/aws/cloudformation.js';
import { deleteSnapshot, deregisterImage, describeImages, imageSnapshots } from '../../providers/aws/ec2.js';
import { touched } from './preflight.js';
import { parametersOf } from './stack.js';
import { stackImageId } from './parameters.js';

/**
 * Images that the stacks of the project's AWS environments run (image ID → stack name), so that
 * cleaning one environment never removes an image another one needs. One DescribeStacks per environment.
 */
export async function imagesInUse(ctx: Context, except: string[] = []): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  for (const envName of ctx.project.environmentNames()) {
    if (except.includes(envName)) continue;
    let name: string;
    let guessed = false;
    try {
      const env = loadEnvironment(ctx.project, envName);
      const stack = platformOf(env).stackName?.(env);
      if (!stack) continue;
      name = stack;
    } catch {
      // A file that does not load now may still have a stack from before: look it up by its name.
      name = stackName(ctx.project.shared.app_name, envName);
      guessed = true;
    }
    const stack = await describeStack(ctx.aws, name).catch((e: unknown) => {
      if (guessed) return undefined; // not a valid stack name: no stack
      throw e;
    });
    const image = stackImageId(ctx, parametersOf(stack));
    if (image) used.set(image, name);
  }
  return used;
}

/** Deregisters images and deletes their EBS snapshots. */
export async function deleteImages(ctx: Context, imageIds: string[]): Promise<string[]> {
  if (!imageIds.length) return [];
  const images = await describeImages(ctx.aws, [], imageIds);
  const snapshots: string[] = [];
  for (const image of images) {
    await deregisterImage(ctx.aws, image.ImageId!);
    for (const snap of imageSnapshots(image)) {
      await deleteSnapshot(ctx.aws, snap);
      snapshots.push(snap);
    }
  }
  touched(ctx, `deleted images ${imageIds.join(', ')}`, { imageIds, snapshotIds: snapshots });
  return snapshots;
}
