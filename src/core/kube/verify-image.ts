/**
 * A tag the registry does not have is refused before the cluster is changed: one HEAD on the
 * manifest (the OCI and Docker v2 media types in Accept, the registry's auth), and on a miss the
 * tags it does have. Otherwise Kubernetes would accept the image and the pods would sit in
 * ImagePullBackOff until the rollout times out.
 */
import { registryFromEnv, RegistryClient } from '../../providers/registry/client.js';
import { OperationError, UserError } from '../errors.js';
import { formatImage, type ContainerImageRef } from './image.js';
import { resolveStack, type KubeStack } from './stack.js';
import { chosenImage, noTag, type ImageChoice } from './choose-image.js';
import { connectKube } from './connect.js';
import type { Context } from '../context.js';

/** Where an image's manifests are asked: its registry's API and the repository path there. */
export function registryOf(stack: KubeStack, image: ContainerImageRef): { baseUrl: string; path: string } {
  if (stack.registry && (!image.host || stack.image === image.repository)) {
    return {
      baseUrl: /^https?:\/\//.test(stack.registry) ? stack.registry.replace(/\/+$/, '') : `https://${stack.registry}`,
      path: image.path,
    };
  }
  const host = image.host ?? 'docker.io';
  if (host === 'docker.io' || host === 'index.docker.io') {
    // Docker Hub: the API lives elsewhere, and official images sit under library/.
    return { baseUrl: 'https://registry-1.docker.io', path: image.path.includes('/') ? image.path : `library/${image.path}` };
  }
  const local = /^(localhost|127\.|\[::1\])/.test(host);
  return { baseUrl: `${local ? 'http' : 'https'}://${host}`, path: image.path };
}

/** Newest first for latest-N and versions; a few shown in hints. */
export function recentTags(tags: string[], n = 5): string[] {
  return [...tags].sort((a, b) => b.localeCompare(a, 'en', { numeric: true })).slice(0, n);
}

/**
 * The image's digest from the registry; refuses (exit 2) a tag or digest it does not have. Skipped
 * (undefined) when the environment sets `verify_image: false`.
 */
export async function verifyImage(stack: KubeStack, image: ContainerImageRef): Promise<string | undefined> {
  if (stack.settings.verify_image === false) return undefined;
  const ref = image.digest ?? image.tag;
  if (!ref) return undefined;
  const { baseUrl, path } = registryOf(stack, image);
  const registry = new RegistryClient(baseUrl, registryFromEnv());
  let digest: string | undefined;
  try {
    digest = await registry.digest(path, ref);
  } catch (e) {
    if (!(e instanceof OperationError)) throw e;
    throw new OperationError(`cannot check that ${formatImage(image)} exists: ${e.message}`, {
      hint: `${e.hint ?? 'check the registry'}; if only the cluster can reach the registry, set kubernetes.verify_image: false for ${stack.env}`,
      code: e.code,
      cause: e,
    });
  }
  if (digest) return digest;
  const tags = await registry.listTags(path).catch(() => []);
  throw new UserError(
    `image ${formatImage(image)} not found: the registry ${baseUrl} has no ${image.digest ? 'manifest' : 'tag'} ${ref} in ${path}`,
    {
      hint: tags.length
        ? `existing tags: ${recentTags(tags).join(', ')}${tags.length > 5 ? ` (${tags.length} in all)` : ''}`
        : `the repository ${path} has no tags: push the image first`,
      code: 'IMAGE_NOT_FOUND',
    },
  );
}

/**
 * The deploy's image checked before the run takes its lock (which makes the namespace of a first
 * deploy): undefined when only the cluster can tell the image (a re-deploy of what runs). With no
 * tag anywhere and no namespace yet there is no release to take it from: refused here, so that
 * the lock does not leave an empty namespace behind.
 */
export async function verifyChosenImage(ctx: Context, choice: ImageChoice): Promise<{ image: string; digest?: string } | undefined> {
  const stack = resolveStack(ctx.env);
  const image = chosenImage(stack, choice);
  if (!image) {
    const api = await connectKube(ctx);
    if (!(await api.get('Namespace', stack.namespace))) throw noTag(stack);
    return undefined;
  }
  return { image: formatImage(image), digest: await verifyImage(stack, image) };
}
