/**
 * A value of unknown shape (YAML, JSON, template output) as text: strings as they are, numbers and
 * booleans as `String` writes them, objects and arrays as JSON (never `[object Object]`),
 * null and undefined as `empty`.
 */
export function asText(v: unknown, empty = ''): string {
  if (v === undefined || v === null) return empty;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v) ?? empty;
}
