/**
 * The core never prints. It reports what happens through an IoHost: typed events, progress
 * handles and confirmations. The CLI host decides how they look (spinners, plain lines, JSON);
 * tests record them.
 */
export type Level = 'debug' | 'info' | 'warn' | 'success';

export interface IoEvent {
  level: Level;
  /** A stable code, e.g. `stack.event`, `image.skip`. */
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface Progress {
  update(message: string): void;
  succeed(message?: string): void;
  fail(message?: string): void;
}

export interface ConfirmRequest {
  message: string;
  /** When set, the operator must type exactly this (e.g. the environment's name). */
  typeToConfirm?: string;
}

export interface IoHost {
  emit(event: IoEvent): void;
  progress(message: string): Progress;
  /** Resolves false when declined. Throws a UserError when no one can be asked (no TTY, --json). */
  confirm(request: ConfirmRequest): Promise<boolean>;
  /** Raw streamed output from a child process (Ansible). Goes to stderr in the CLI. */
  stream(chunk: string): void;
}

export function info(io: IoHost, code: string, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'info', code, message, data });
}

export function warn(io: IoHost, code: string, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'warn', code, message, data });
}

export function debug(io: IoHost, code: string, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'debug', code, message, data });
}

export function success(io: IoHost, code: string, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'success', code, message, data });
}
