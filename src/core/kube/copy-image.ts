/**
 * Copies one image by digest from a build repository to another repository (same registry or not):
 * every blob the manifest references (config and layers; for an index, each child manifest and
 * its blobs), then the manifest itself under its digest. Nothing is read from a tag after the
 * start and nothing is rebuilt, so the target digest is the source digest. Every blob is checked
 * in the source before anything is written, so a broken build changes nothing in the target.
 */
import { type Manifest, type RegistryClient } from '../../providers/registry/client.js';
import { OperationError } from '../errors.js';

export interface Repo {
  client: RegistryClient;
  path: string;
  /** How people name it in messages, e.g. registry.example.com/builds/shop. */
  name: string;
}

export interface CopyReport {
  digest: string;
  manifests: number;
  blobs: { mounted: number; uploaded: number; present: number };
}

interface Parsed {
  manifests?: Array<{ digest: string; mediaType?: string }>;
  config?: { digest: string };
  layers?: Array<{ digest: string; urls?: string[] }>;
}

/** The blobs a single-image manifest needs (foreign layers with urls are fetched elsewhere by runtimes). */
function blobsOf(m: Manifest): string[] {
  const p = JSON.parse(m.bytes.toString('utf8')) as Parsed;
  return [...(p.config ? [p.config.digest] : []), ...(p.layers ?? []).filter((l) => !l.urls?.length).map((l) => l.digest)];
}

function children(m: Manifest): string[] {
  const p = JSON.parse(m.bytes.toString('utf8')) as Parsed;
  return p.manifests?.map((c) => c.digest) ?? [];
}

/** The image's manifests, children first, each with the blobs it needs; every blob checked in the source. */
async function survey(src: Repo, top: Manifest): Promise<Array<{ manifest: Manifest; blobs: string[] }>> {
  const out: Array<{ manifest: Manifest; blobs: string[] }> = [];
  for (const digest of children(top)) {
    const child = await src.client.getManifest(src.path, digest);
    if (!child) throw missing(src, `the manifest ${digest}`, top.digest);
    out.push(...(await survey(src, child)));
  }
  const blobs = blobsOf(top);
  for (const b of blobs) if (!(await src.client.hasBlob(src.path, b))) throw missing(src, `the blob ${b}`, top.digest);
  out.push({ manifest: top, blobs });
  return out;
}

function missing(src: Repo, what: string, of: string): OperationError {
  return new OperationError(`${src.name} lacks ${what} that the image ${of} references: nothing was copied or tagged`, {
    hint: 'the build was pushed incompletely or garbage-collected: push the build again, then promote it',
    code: 'PROMOTE_BLOB_MISSING',
  });
}

export async function copyImage(src: Repo, dst: Repo, manifest: Manifest): Promise<CopyReport> {
  const parts = await survey(src, manifest);
  const sameRegistry = src.client.baseUrl === dst.client.baseUrl;
  const report: CopyReport = { digest: manifest.digest, manifests: parts.length, blobs: { mounted: 0, uploaded: 0, present: 0 } };
  const done = new Set<string>();
  for (const part of parts) {
    for (const blob of part.blobs) {
      if (done.has(blob)) continue;
      done.add(blob);
      if (await dst.client.hasBlob(dst.path, blob)) report.blobs.present++;
      else if (sameRegistry && (await dst.client.mountBlob(dst.path, blob, src.path))) report.blobs.mounted++;
      else {
        const bytes = await src.client.getBlob(src.path, blob);
        if (!bytes) throw missing(src, `the blob ${blob}`, manifest.digest);
        await dst.client.uploadBlob(dst.path, blob, bytes);
        report.blobs.uploaded++;
      }
    }
    const stored = await dst.client.putManifest(dst.path, part.manifest.digest, part.manifest);
    if (stored !== part.manifest.digest) {
      throw new OperationError(`${dst.name} stored the manifest ${part.manifest.digest} as ${stored}`, {
        hint: 'the target registry rewrote the manifest: nothing was tagged',
        code: 'PROMOTE_DIGEST_MISMATCH',
      });
    }
  }
  const check = await dst.client.digest(dst.path, manifest.digest);
  if (check !== manifest.digest) {
    throw new OperationError(`${dst.name}@${manifest.digest} reads back as ${check ?? '(missing)'}`, {
      hint: 'the copy did not arrive intact: nothing was tagged',
      code: 'PROMOTE_DIGEST_MISMATCH',
    });
  }
  return report;
}
