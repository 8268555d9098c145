/**
 * Secret values never enter a release record. Each value of a Secret's `data` and `stringData` is
 * stored as `fragctl-redacted:<salt>:<HMAC-SHA256 of the value>` (a fresh random salt per value),
 * which says whether a value changed without holding it. Re-applying a recorded release (rollback,
 * --atomic) takes the values from the Secret the cluster holds now: a release is restored as it
 * was except for secret values, which are the current ones (a warning says when they differ from
 * the recorded ones), and a recorded Secret that no longer exists stops the rollback.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KubeClient } from '../../../providers/kube/client.js';
import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import { warn } from '../../io.js';
import type { Manifest } from '../manifests.js';

const PREFIX = 'fragctl-redacted:';
type Values = Record<string, string>;
type SecretFields = { data?: Values; stringData?: Values };

const bytesOf = (field: 'data' | 'stringData', v: string): Buffer => (field === 'data' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
const mac = (salt: string, bytes: Buffer): string => createHmac('sha256', salt).update(bytes).digest('hex');

function mapValues(m: Manifest, f: (field: 'data' | 'stringData', key: string, v: string) => string): Manifest {
  const out = { ...m } as Manifest & SecretFields;
  for (const field of ['data', 'stringData'] as const) {
    const values = (m as SecretFields)[field];
    if (values) out[field] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, f(field, k, String(v))]));
  }
  return out;
}

/** A Secret as it is recorded: its values replaced by salted MACs; any other object unchanged. */
export function redactSecretValues(m: Manifest): Manifest {
  if (m.kind !== 'Secret') return m;
  return mapValues(m, (field, _k, v) => {
    if (v.startsWith(PREFIX)) return v;
    const salt = randomBytes(8).toString('hex');
    return `${PREFIX}${salt}:${mac(salt, bytesOf(field, v))}`;
  });
}

export function isRedactedSecret(m: Manifest): boolean {
  if (m.kind !== 'Secret') return false;
  const { data = {}, stringData = {} } = m as SecretFields;
  return [...Object.values(data), ...Object.values(stringData)].some((v) => String(v).startsWith(PREFIX));
}

/** Whether `recorded` (redacted) and `next` (clear) are the same Secret: same fields, each value matching its MAC. */
export function sameSecret(next: Manifest, recorded: Manifest): boolean {
  const strip = (m: Manifest): string => JSON.stringify({ ...m, data: undefined, stringData: undefined });
  if (strip(next) !== strip(recorded)) return false;
  for (const field of ['data', 'stringData'] as const) {
    const a = (next as SecretFields)[field] ?? {};
    const b = (recorded as SecretFields)[field] ?? {};
    if (Object.keys(a).sort().join() !== Object.keys(b).sort().join()) return false;
    for (const [k, v] of Object.entries(a)) {
      const [salt, want] = String(b[k]).slice(PREFIX.length).split(':');
      if (!String(b[k]).startsWith(PREFIX) || mac(salt ?? '', bytesOf(field, v)) !== want) return false;
    }
  }
  return true;
}

/**
 * Recorded manifests made ready to apply again: each redacted Secret gets the values of the Secret
 * the cluster holds now (as `data`), key by key. A Secret or key that is gone cannot be restored:
 * an error (exit 2) before anything is applied.
 */
export async function restoreSecrets(ctx: Context, api: KubeClient, manifests: Manifest[], release: number): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const m of manifests) {
    if (!isRedactedSecret(m)) {
      out.push(m);
      continue;
    }
    const live = await api.get('Secret', m.metadata.name, m.metadata.namespace);
    const liveData = (live as SecretFields | undefined)?.data ?? {};
    const recorded = m;
    const keys = [...Object.keys(recorded.data ?? {}), ...Object.keys(recorded.stringData ?? {})];
    const missing = keys.filter((k) => liveData[k] === undefined);
    if (!live || missing.length) {
      throw new UserError(
        `release ${release}'s Secret ${m.metadata.name} cannot be restored: ${live ? `the cluster's has no ${missing.join(', ')}` : 'it no longer exists'}, and secret values are never recorded`,
        {
          hint: "deploy that release's image instead (fragctl <env> deploy --tag …): it renders the Secrets from the vault",
          code: 'KUBE_SECRET_GONE',
        },
      );
    }
    const restored: Values = Object.fromEntries(keys.map((k) => [k, liveData[k]!]));
    const clear = { ...recorded, data: restored, stringData: undefined } as Manifest;
    const asRecorded = { ...recorded, data: { ...recorded.data, ...recorded.stringData }, stringData: undefined } as Manifest;
    if (!sameSecret(clear, asRecorded))
      warn(
        ctx.io,
        'kube.secret-current',
        `Secret ${m.metadata.name}: its values changed since release ${release}; they stay as they are now (secret values are never recorded)`,
      );
    out.push(clear);
  }
  return out;
}
