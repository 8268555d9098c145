/**
 * Which image a deploy applies: --image and --tag first, then the environment's settings, then
 * what the last release ran. Checked before any request.
 */
import { UserError } from '../errors.js';

import { checkTag, parseImageRef, type ContainerImageRef } from './image.js';
import type { KubeStack } from './stack.js';

export interface ImageChoice {
  image?: string;
  tag?: string;
}

/** The image from the options and settings alone; undefined when the running image must be asked. */
export function chosenImage(stack: KubeStack, choice: ImageChoice): ContainerImageRef | undefined {
  if (choice.tag !== undefined) checkTag(choice.tag);
  const given = choice.image !== undefined ? parseImageRef(choice.image, '--image') : undefined;
  const repository = given?.repository ?? stack.image;
  const base = given ? parseImageRef(repository) : parseImageRef(stack.image);
  if (choice.tag !== undefined) return { ...base, tag: choice.tag, digest: undefined };
  if (given?.tag || given?.digest) return given;
  if (stack.configured && repository === stack.image) return stack.configured;
  return undefined;
}

export function noTag(stack: KubeStack): UserError {
  return new UserError(`no image tag for ${stack.env}: the stack is not deployed and none was given`, {
    hint: 'pass --tag TAG (or --image repo:tag), or set kubernetes.tag in the environment file',
    code: 'IMAGE_TAG',
  });
}
