/**
 * Releases as Helm keeps them: one Secret per release in the stack's namespace, labelled, holding
 * the gzip-compressed JSON of what was applied (the rendered manifests, a hash of the settings,
 * the image digests the pods ran, the outcome, who and when). Every operator sees the same
 * history, and a rollback re-applies a release's manifests as they were, Secret values excepted:
 * those are never recorded (secret-values.ts).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { KubeApiError, type KubeClient } from '../../../providers/kube/client.js';
import type { KubeObject } from '../../../providers/kube/resources.js';
import { OperationError, UserError } from '../../errors.js';
import type { Manifest } from '../manifests.js';
import { MANAGED_BY } from '../stack.js';
import { redactSecretValues } from './secret-values.js';

export const RECORD_LABEL = 'fragctl.io/release-of';
export const VERSION_LABEL = 'fragctl.io/release-version';
export const STATUS_LABEL = 'fragctl.io/release-status';
const KEEP = 50;
/** A Secret holds at most 1 MiB; leave room for metadata. */
const MAX_BYTES = 900 * 1024;

export type ReleaseStatus = 'pending' | 'deployed' | 'failed' | 'superseded';

export interface ImageRecord {
  object: string;
  container: string;
  image: string;
  digest?: string;
  /** pods: what the pods report in imageID; pinned: the reference's digest; registry: the registry's for the tag. */
  digestSource?: 'pods' | 'pinned' | 'registry';
}

export interface Release {
  version: number;
  env: string;
  namespace: string;
  verb: string;
  status: ReleaseStatus;
  manifests: Manifest[];
  settingsHash: string;
  /** The stack image of the run (stack_image_ref). */
  image?: string;
  images: ImageRecord[];
  who: string;
  when: string;
  note?: string;
  adopted?: boolean;
}

/** A release without its manifests; `digest` and `digestSource` are the stack image's. */
export type ReleaseSummary = Omit<Release, 'manifests'> & { objects: number; digest?: string; digestSource?: ImageRecord['digestSource'] };

export const recordName = (env: string, version: number): string => `fragctl.release.${env}.v${version}`;

export function settingsHash(vars: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(vars)).digest('hex')}`;
}

function encode(r: Release): string {
  // Secret values never enter the record: each is kept as a salted MAC (secret-values.ts).
  const zipped = gzipSync(Buffer.from(JSON.stringify({ ...r, manifests: r.manifests.map(redactSecretValues) }), 'utf8'));
  if (zipped.length > MAX_BYTES) {
    throw new UserError(
      `release ${r.version} of ${r.env} is ${Math.round(zipped.length / 1024)} KiB compressed, more than a Secret can hold`,
      {
        hint: 'the templates render too much: move large data (files, dumps) out of ConfigMaps into volumes or images',
        code: 'KUBE_RELEASE_TOO_LARGE',
      },
    );
  }
  return zipped.toString('base64');
}

function decode(secret: KubeObject): Release {
  try {
    const data = Buffer.from(secret.data?.release ?? '', 'base64');
    const r = JSON.parse(gunzipSync(Buffer.from(data.toString('utf8'), 'base64')).toString('utf8')) as Release;
    if (typeof r.version !== 'number' || !Array.isArray(r.manifests)) throw new Error('missing fields');
    return { ...r, status: (secret.metadata.labels?.[STATUS_LABEL] as ReleaseStatus | undefined) ?? r.status };
  } catch (e) {
    throw new UserError(
      `release record ${secret.metadata.name} in ${secret.metadata.namespace} is corrupt (${(e as Error).message.split('\n')[0]})`,
      {
        hint: `nothing was applied; fragctl history --json and kubectl -n ${secret.metadata.namespace} get secret ${secret.metadata.name} -o yaml show it; delete it if it cannot be repaired`,
        code: 'KUBE_RELEASE_CORRUPT',
      },
    );
  }
}

function manifest(r: Release): KubeObject & { kind: string } {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'fragctl.io/release.v1',
    metadata: {
      name: recordName(r.env, r.version),
      namespace: r.namespace,
      labels: { ...MANAGED_BY, [RECORD_LABEL]: r.env, [VERSION_LABEL]: String(r.version), [STATUS_LABEL]: r.status },
    },
    data: { release: Buffer.from(encode(r), 'utf8').toString('base64') },
  };
}

/** Every release of the stack, oldest first. A corrupt record is an error (exit 2). */
export async function listReleases(api: KubeClient, namespace: string, env: string): Promise<Release[]> {
  const items = (await api.list('Secret', namespace, { labelSelector: `${RECORD_LABEL}=${env}` })).items;
  return items.map(decode).sort((a, b) => a.version - b.version);
}

export async function readRelease(api: KubeClient, namespace: string, env: string, version: number): Promise<Release | undefined> {
  const s = await api.get('Secret', recordName(env, version), namespace);
  return s ? decode(s) : undefined;
}

/** Stores a new release with the next free number (two operators never take the same one). */
export async function createRelease(api: KubeClient, r: Omit<Release, 'version'>, after: number): Promise<Release> {
  for (let version = after + 1, tries = 0; tries < 5; version++, tries++) {
    const full: Release = { ...r, version };
    try {
      await api.create(manifest(full));
      return full;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) continue;
      throw e;
    }
  }
  throw new OperationError(`could not record a release in ${r.namespace}: too many concurrent writers`, {
    hint: 'retry',
    code: 'KUBE_RELEASE',
  });
}

/** Rewrites a release's record (its outcome and digests); a merge patch, as the record was created by a POST. */
export async function updateRelease(api: KubeClient, r: Release): Promise<void> {
  const m = manifest(r);
  await api.mergePatch('Secret', m.metadata.name, r.namespace, { metadata: { labels: m.metadata.labels }, data: m.data });
}

/** Marks a release's status only (superseded), without rewriting its manifests. */
export async function markRelease(
  api: KubeClient,
  r: Pick<Release, 'env' | 'namespace' | 'version'>,
  status: ReleaseStatus,
): Promise<void> {
  await api.mergePatch('Secret', recordName(r.env, r.version), r.namespace, { metadata: { labels: { [STATUS_LABEL]: status } } });
}

/** Deletes the oldest records beyond the ones kept. */
export async function pruneRecords(api: KubeClient, releases: Array<Pick<Release, 'env' | 'namespace' | 'version'>>): Promise<void> {
  for (const old of releases.slice(0, Math.max(0, releases.length - KEEP)))
    await api.delete('Secret', recordName(old.env, old.version), old.namespace);
}

export function summary(r: Release): ReleaseSummary {
  const { manifests, ...rest } = r;
  const own = r.images.find((i) => i.image === r.image && i.digest);
  return { ...rest, objects: manifests.length, ...(own ? { digest: own.digest, digestSource: own.digestSource } : {}) };
}
