/**
 * Every secret fragctl learns (vault values, generated passwords, tokens) is registered here, and
 * every byte that leaves the process through the CLI, a run record or a log passes through
 * `redact`. That is what makes "no secret ever appears in any output" hold by construction.
 */
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

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  pattern ??= new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return text.replace(pattern, REDACTED);
}

/** Deep copy of a JSON-like value with every registered secret (and secret-looking keys) masked. */
export function redactValue<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value ?? null)), (key, v) =>
    typeof v === 'string' && isSecretKey(key) && v !== '' ? REDACTED : v,
  ) as T;
}

export function isSecretKey(key: string): boolean {
  return /(^|_|-)(password|passwd|secret|token|private_key|api_key)($|_|-)/i.test(key) || /^vault_/i.test(key);
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = undefined;
}
