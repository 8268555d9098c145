/**
 * Image references (`[host[:port]/]path[:tag][@sha256:digest]`), checked with the grammar of the
 * distribution project before anything is sent to a cluster or a registry.
 */
import { UserError } from '../errors.js';

export interface ContainerImageRef {
  /** host/path without tag or digest. */
  repository: string;
  /** The registry host when the reference names one (has a dot, a port, or is localhost). */
  host?: string;
  /** The path inside the registry. */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const HOST_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

function bad(ref: string, what: string, why: string): UserError {
  return new UserError(`${what}: "${ref}" is not a valid image reference (${why})`, {
    hint: 'use [registry/]name[:tag], lower-case letters, digits and . _ - / in the name, e.g. registry.example.com/shop:latest-7',
    code: 'IMAGE_REF',
  });
}

export function parseImageRef(ref: string, what = 'image'): ContainerImageRef {
  if (ref.trim() === '') throw bad(ref, what, 'empty');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw bad(ref, what, 'the digest must be sha256: and 64 hex digits');
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    checkTag(tag, what);
  }
  let host: string | undefined;
  let path = rest;
  const first = rest.indexOf('/');
  if (first > 0) {
    const candidate = rest.slice(0, first);
    if (candidate.includes('.') || candidate.includes(':') || candidate === 'localhost' || candidate !== candidate.toLowerCase()) {
      if (!HOST_RE.test(candidate)) throw bad(ref, what, `bad registry host "${candidate}"`);
      host = candidate;
      path = rest.slice(first + 1);
    }
  }
  if (!PATH_RE.test(path)) throw bad(ref, what, 'bad characters in the name');
  if (ref.length > 255 + 130) throw bad(ref, what, 'too long');
  return { repository: rest, host, path, tag, digest };
}

export function checkTag(tag: string, what = '--tag'): void {
  if (tag.trim() === '') {
    throw new UserError(`${what}: an empty image tag is refused`, { hint: 'give a tag such as latest-7 or v1.2.0', code: 'IMAGE_TAG' });
  }
  if (!TAG_RE.test(tag)) {
    throw new UserError(`${what}: "${tag}" is not a valid image tag`, {
      hint: 'tags are letters, digits, _ . - (up to 128, not starting with . or -)',
      code: 'IMAGE_TAG',
    });
  }
}

export function formatImage(ref: Pick<ContainerImageRef, 'repository' | 'tag' | 'digest'>): string {
  return `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The tag shown to people: the tag, else a short digest. */
export function shownTag(ref: ContainerImageRef): string {
  return ref.tag ?? (ref.digest ? ref.digest.slice(0, 19) : '');
}

/**
 * The fully qualified form a kubelet reports in `containerStatuses[].image` (`nginx:1.27` →
 * `docker.io/library/nginx:1.27`, no tag → `:latest`), so a spec image and a status image compare
 * equal. A reference that does not parse is returned unchanged.
 */
export function canonicalImage(ref: string): string {
  let r: ContainerImageRef;
  try {
    r = parseImageRef(ref);
  } catch {
    return ref;
  }
  const host = r.host === undefined || r.host === 'index.docker.io' ? 'docker.io' : r.host;
  const path = host === 'docker.io' && !r.path.includes('/') ? `library/${r.path}` : r.path;
  const tag = r.tag ?? (r.digest ? undefined : 'latest');
  return `${host}/${path}${tag ? `:${tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
