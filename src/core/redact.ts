/**
 * Every secret fragctl learns (vault values, generated passwords, tokens, the values of settings
 * whose keys look secret, credentials found in its own arguments) is registered here, and every
 * byte that leaves the process through the CLI, a run record or a log passes through `redact`.
 * Besides the registered values, `redact` masks secrets by shape: the password of a URL
 * (`scheme://user:PASSWORD@`) and the value of `password=`, `token=`, `secret=`… pairs.
 */
import picomatch from 'picomatch';

const MIN_SECRET_LENGTH = 4;
const secrets = new Set<string>();
let pattern: RegExp | undefined;

export const REDACTED = '********';

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'number') return;
  const text = String(value);
  if (text.length < MIN_SECRET_LENGTH || secrets.has(text)) return;
  secrets.add(text);
  pattern = undefined;
}

/** Whether `value` was registered (a filter that encodes a secret registers the encoded form too). */
export function isRegisteredSecret(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && secrets.has(String(value));
}

/** `scheme://user:PASSWORD@host`: the password part. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]*:)([^\s@/'"]+)(@)/gi;
/** `password=VALUE`, `token=VALUE` (query strings, key=value arguments, Ansible's -e). */
const PAIR_VALUE = /(\b[\w-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[\w-]*=)([^\s&'";,]+)/gi;

function redactShapes(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, a: string, _p: string, b: string) => `${a}${REDACTED}${b}`)
    .replace(PAIR_VALUE, (m, a: string, v: string) => (v === REDACTED ? m : `${a}${REDACTED}`));
}

/** Registers the credentials a text carries by shape (a URL's password, `token=…`), so that they are masked in any form later. */
export function registerShapedSecrets(text: string): void {
  for (const m of [...text.matchAll(URL_PASSWORD), ...text.matchAll(PAIR_VALUE)]) {
    registerSecret(m[2]);
    registerSecret(safeDecode(m[2]!));
  }
}

/** A command line's credentials: shaped ones (URL passwords, `token=…`), and the value after a secret-looking option (`--password X`). */
export function registerArgumentSecrets(args: string[]): void {
  args.forEach((a, i) => {
    registerShapedSecrets(a);
    const prev = args[i - 1];
    if (prev && /^--?[\w-]+$/.test(prev) && !/-(file|dir|path)$/.test(prev) && isSecretKey(prev.replace(/^-+/, '')) && !a.startsWith('-'))
      registerSecret(a);
  });
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function redact(text: string): string {
  if (secrets.size === 0) return redactShapes(text);
  pattern ??= new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return redactShapes(text.replace(pattern, REDACTED));
}

/** Deep copy of a JSON-like value with every registered secret (and secret-looking keys) masked. */
export function redactValue<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value ?? null)), (key, v) =>
    typeof v === 'string' && isSecretKey(key) && v !== '' ? REDACTED : v,
  ) as T;
}

/** Keys whose values are secrets, unless the project's `secret_key_patterns` setting says otherwise. */
export const DEFAULT_SECRET_KEY_PATTERNS = ['*pass*', '*secret*', '*token*', '*_key', 'aes_*', '*private_key*', '*api_key*', 'vault_*'];
let keyMatcher = picomatch(DEFAULT_SECRET_KEY_PATTERNS, { nocase: true });

/** The glob patterns (case-insensitive) that make a key secret; the default list when none are given. */
export function setSecretKeyPatterns(patterns: string[] | undefined): void {
  keyMatcher = picomatch(patterns?.length ? patterns : DEFAULT_SECRET_KEY_PATTERNS, { nocase: true });
}

export function isSecretKey(key: string): boolean {
  return keyMatcher(key);
}

/**
 * Registers the scalar values whose own key looks secret, anywhere in a settings tree (a list under
 * a secret-looking key holds names, not secrets: only scalars under such a key count). Returns the
 * dotted paths of those that are written in plain text (not a `{{ vault_… }}` reference, not `!vault`).
 */
export function registerSecretSettings(tree: unknown, path = ''): string[] {
  if (tree === null || typeof tree !== 'object') return [];
  const plain: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const at = path ? `${path}.${key}` : key;
    if (value !== null && typeof value === 'object') plain.push(...registerSecretSettings(value, at));
    else if (
      Array.isArray(tree) ||
      !isSecretKey(key) ||
      value === '' ||
      value === null ||
      value === undefined ||
      typeof value === 'boolean'
    )
      continue;
    else {
      registerSecret(value);
      const text = String(value);
      if (!text.includes('{{') && !text.startsWith('$ANSIBLE_VAULT')) plain.push(at);
    }
  }
  return plain;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = undefined;
}
