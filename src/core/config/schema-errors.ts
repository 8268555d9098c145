import * as v from 'valibot';
import { UserError } from '../errors.js';

/**
 * Parse with a schema; on failure report every problem at once, each with its file and dotted
 * path (the first as the message, the rest as details).
 */
export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown, file: string, hint: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const lines = result.issues.map((issue) => {
    const path = v.getDotPath(issue) ?? '(top level)';
    return `${file}: ${path}: ${issue.message}`;
  });
  const [first, ...rest] = lines;
  throw new UserError(first ?? `${file}: invalid`, { hint, details: rest, code: 'CONFIG_INVALID' });
}
