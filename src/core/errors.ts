/**
 * The error family the core throws. The CLI draws every one of them in one place
 * (src/cli/handle-error.ts): a FragError is the user's or the world's problem and is shown as
 * one line with a hint; anything else is a bug and is shown with its stack.
 */
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';
export type ExitCode = 0 | 1 | 2 | 130;

export interface FragErrorOptions {
  hint?: string;
  /** Required: every error says what kind it is (src/core/error-codes.ts). */
  code: ErrorCode;
  cause?: unknown;
  details?: string[];
}

export class FragError extends Error {
  readonly hint?: string;
  readonly code: ErrorCode;
  readonly details: string[];
  readonly exitCode: ExitCode = 1;

  constructor(message: string, options: FragErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.code = options.code;
    this.details = options.details ?? [];
  }
}

/** Bad usage or bad input: exit 2, and nothing was created anywhere. */
export class UserError extends FragError {
  override readonly exitCode = 2 as const;
}

/** The operation was attempted and failed (AWS, Ansible, Kubernetes said no): exit 1. */
export class OperationError extends FragError {}

/** Ctrl-C, or the operator declined a confirmation in a way that should read as an interruption. */
export class InterruptedError extends FragError {
  override readonly exitCode = 130 as const;
}

/** A confirmation was declined: a soft abort, nothing was changed. */
export class DeclinedError extends FragError {
  override readonly exitCode = 1 as const;
}

export function isFragError(e: unknown): e is FragError {
  return e instanceof FragError;
}
