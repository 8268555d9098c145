import type { z } from 'zod';
import { UserError } from '../errors.js';

/** Every schema problem at once, each with its file and dotted path. */
export function schemaError(file: string, error: z.ZodError, hint: string): UserError {
  const lines = error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    return `${file}: ${path}: ${issue.message}`;
  });
  const [first, ...rest] = lines;
  return new UserError(first ?? `${file}: invalid`, { hint, details: rest, code: 'CONFIG_INVALID' });
}
