/**
 * What a stack actually runs: the digest its pods report in their imageID for the stack image of
 * its last release (a pinned digest counts as itself). Tags are not compared: `latest` and
 * `latest` may be two builds, and a digest pin and a tag may be the same one.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import { parseImageRef } from './image.js';
import type { Release } from './release/record.js';
import { MOVING_TAGS } from './stack.js';

export interface Running {
  image?: string;
  digest?: string;
}

export async function runningStackImage(api: KubeClient, namespace: string, release: Release): Promise<Running> {
  const image = release.image;
  if (!image) return {};
  const pinned = parseImageRef(image).digest;
  const pods = (await api.list('Pod', namespace)).items;
  for (const p of pods) {
    for (const c of ((p.status ?? {}) as { containerStatuses?: Array<{ image?: string; imageID?: string }> }).containerStatuses ?? []) {
      const m = /@(sha256:[a-f0-9]{64})$/.exec(c.imageID ?? '');
      if (c.image === image && m) return { image, digest: m[1] };
    }
  }
  return { image, digest: pinned ?? release.images.find((i) => i.image === image && i.digest)?.digest };
}

/**
 * Digests decide. Without them (a runtime that reports none), one fixed tag on both sides is taken
 * as the same build; a moving tag (latest, stable) or two references cannot be compared.
 */
export function sameBuild(a: Running, b: Running): 'same' | 'different' | 'unknown-same-ref' | 'unknown' {
  if (a.digest && b.digest) return a.digest === b.digest ? 'same' : 'different';
  if (!a.digest && !b.digest && a.image && a.image === b.image && !MOVING_TAGS.includes(parseImageRef(a.image).tag ?? 'latest'))
    return 'unknown-same-ref';
  return 'unknown';
}
