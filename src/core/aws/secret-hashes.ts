import { createHmac, randomBytes } from 'node:crypto';

/** The stack tag that holds a salted hash of each secret (NoEcho) parameter fragctl passed. */
export const SECRET_HASH_TAG = 'fragctl:secret-hashes';

export interface SecretHashes {
  /** The tag value to write: `Name=salt.hash` pairs separated by spaces (tag-safe characters only). */
  tag: string;
  /** Secrets whose value differs from the one the stack was last given. */
  changed: string[];
  /** Secrets the stack has no hash for (a stack created before fragctl kept them). */
  unknown: string[];
}

const digest = (salt: string, value: string): string => createHmac('sha256', salt).update(value).digest('base64url').slice(0, 22);

function parse(tag: string | undefined): Map<string, { salt: string; hash: string }> {
  const out = new Map<string, { salt: string; hash: string }>();
  for (const pair of (tag ?? '').split(' ')) {
    const m = /^([A-Za-z0-9]+)=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(pair);
    if (m) out.set(m[1]!, { salt: m[2]!, hash: m[3]! });
  }
  return out;
}

/**
 * Compares the secrets about to be passed with the hashes on the stack. An unchanged secret keeps
 * its salt and hash, so the tag (and with it the stack) stays the same; a changed one gets a new salt.
 */
export function secretHashes(values: Record<string, string>, secretNames: string[], previousTag: string | undefined): SecretHashes {
  const previous = parse(previousTag);
  const pairs: string[] = [];
  const changed: string[] = [];
  const unknown: string[] = [];
  for (const name of [...secretNames].sort()) {
    const value = values[name];
    if (value === undefined) continue;
    const old = previous.get(name);
    if (old && digest(old.salt, value) === old.hash) {
      pairs.push(`${name}=${old.salt}.${old.hash}`);
      continue;
    }
    if (old) changed.push(name);
    else unknown.push(name);
    const salt = randomBytes(9).toString('base64url');
    pairs.push(`${name}=${salt}.${digest(salt, value)}`);
  }
  return { tag: pairs.join(' '), changed, unknown };
}
