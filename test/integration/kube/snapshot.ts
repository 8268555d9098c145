/**
 * "Nothing changed" on a real server: the objects of some namespaces with their resourceVersions,
 * read until two reads a moment apart agree (controllers may still be writing status after a
 * rollout), so that a later difference is a change someone made.
 */
import { listObjects } from '../../helpers/cluster.js';

const KINDS =
  'secrets,configmaps,serviceaccounts,services,persistentvolumeclaims,statefulsets,deployments,jobs,cronjobs,ingresses,leases,roles,rolebindings';

/** The namespaces whose names start with `prefix`, and every object in them, as `Kind ns/name@resourceVersion` lines. */
export async function snapshot(prefix: string): Promise<string[]> {
  const namespaces = (await listObjects('namespace')).filter((n) => n.metadata.name.startsWith(prefix));
  const out = namespaces.map((n) => `Namespace ${n.metadata.name}@${String(n.metadata.resourceVersion)}`);
  for (const n of namespaces) {
    out.push(
      ...(await listObjects(KINDS, n.metadata.name)).map(
        (o) => `${o.kind} ${n.metadata.name}/${o.metadata.name}@${String(o.metadata.resourceVersion)}`,
      ),
    );
  }
  return out.sort();
}

/** A snapshot once the cluster has stopped changing it (at most `timeoutMs`). */
export async function settledSnapshot(prefix: string, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(prefix);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await snapshot(prefix);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    if (Date.now() > deadline) throw new Error(`the objects of ${prefix}* kept changing for ${timeoutMs} ms`);
    last = now;
  }
}
