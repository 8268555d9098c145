/**
 * Which image a deploy applies: --image and --tag first, then the environment's settings, then
 * what the stack runs now. Checked before any request.
 */
import { UserError } from '../errors.js';
import type { KubeClient } from '../../providers/kube/client.js';
import { checkTag, parseImageRef, type ImageRef } from './image.js';
import { APP, type KubeStack } from './stack.js';

export interface ImageChoice {
  image?: string;
  tag?: string;
}

/** The image from the options and settings alone; undefined when the running image must be asked. */
export function chosenImage(stack: KubeStack, choice: ImageChoice): ImageRef | undefined {
  if (choice.tag !== undefined) checkTag(choice.tag);
  const given = choice.image !== undefined ? parseImageRef(choice.image, '--image') : undefined;
  const repository = given?.repository ?? stack.image;
  const base = given ? parseImageRef(repository) : parseImageRef(stack.image);
  if (choice.tag !== undefined) return { ...base, tag: choice.tag, digest: undefined };
  if (given?.tag || given?.digest) return given;
  if (stack.configured && repository === stack.image) return stack.configured;
  return undefined;
}

/** The image the app StatefulSet runs now, if it exists. */
export async function runningImage(api: KubeClient, stack: KubeStack): Promise<{ image?: ImageRef; restartedAt?: string; exists: boolean; healthy?: boolean }> {
  const sts = await api.get('StatefulSet', APP, stack.namespace);
  if (!sts) return { exists: false };
  const tpl = (sts.spec?.template ?? {}) as { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: Array<{ name: string; image?: string }> } };
  const container = tpl.spec?.containers?.find((c) => c.name === APP) ?? tpl.spec?.containers?.[0];
  let image: ImageRef | undefined;
  try {
    image = container?.image ? parseImageRef(container.image) : undefined;
  } catch {
    image = undefined;
  }
  const status = (sts.status ?? {}) as { readyReplicas?: number };
  const healthy = (status.readyReplicas ?? 0) >= ((sts.spec?.replicas as number | undefined) ?? 1);
  return { image, restartedAt: tpl.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], exists: true, healthy };
}

export function noTag(stack: KubeStack): UserError {
  return new UserError(`no image tag for ${stack.env}: the stack is not deployed and none was given`, {
    hint: 'pass --tag TAG (or --image repo:tag), or set kubernetes.tag in the environment file',
    code: 'IMAGE_TAG',
  });
}
