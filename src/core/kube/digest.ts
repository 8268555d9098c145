/**
 * The digest recorded in the deploy history: what the pods actually run, from the imageID the
 * container runtime reports (`repo@sha256:…`, `docker-pullable://repo@sha256:…`), when every pod
 * of the new template agrees; else the digest the image was pinned to; else the one the registry
 * gave for the tag when it was checked.
 */
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';

export type DigestSource = 'pods' | 'pinned' | 'registry';

interface PodParts {
  spec?: { containers?: Array<{ name: string; image?: string }> };
  status?: { containerStatuses?: Array<{ name: string; imageID?: string }> };
}

/**
 * The manifest digest the pods running `image` in container `container` report, when they all
 * report the same one; undefined when none does (not all runtimes report a manifest digest) or
 * they disagree. Pods being deleted and pods of another image (the old template) are left out.
 */
export function podsDigest(pods: KubeObject[], container: string, image: string): string | undefined {
  const ids = new Set<string>();
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const parts = pod as unknown as PodParts;
    if (parts.spec?.containers?.find((c) => c.name === container)?.image !== image) continue;
    const id = parts.status?.containerStatuses?.find((c) => c.name === container)?.imageID ?? '';
    const m = /@(sha256:[a-f0-9]{64})$/.exec(id);
    if (!m) return undefined;
    ids.add(m[1]!);
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

export async function deployedDigest(
  api: KubeClient,
  namespace: string,
  selector: string,
  container: string,
  applied: { image: string; pinned?: string; registry?: string },
): Promise<{ digest?: string; digestSource?: DigestSource }> {
  const pods = (await api.list('Pod', namespace, { labelSelector: selector })).items;
  const fromPods = podsDigest(pods, container, applied.image);
  if (fromPods) return { digest: fromPods, digestSource: 'pods' };
  if (applied.pinned) return { digest: applied.pinned, digestSource: 'pinned' };
  if (applied.registry) return { digest: applied.registry, digestSource: 'registry' };
  return {};
}
