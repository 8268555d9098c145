import chalk from 'chalk';
import { isFragError, type ExitCode } from '../core/errors.js';
import { redact } from '../core/redact.js';
import type { CliHost } from './host.js';

/**
 * The one place errors are drawn. A FragError (a user's mistake, or AWS/Ansible/Kubernetes
 * refusing) is one line, its details and a hint, with no stack. Anything else is a bug.
 */
export function handleError(
  error: unknown,
  opts: { json: boolean; verbose: boolean },
  out: Pick<CliHost, 'stdout' | 'stderr'> = process,
): ExitCode {
  const write = (s: string): boolean => out.stderr.write(redact(s));
  if (isFragError(error)) {
    // Every error ends with something to try: the thrower's own hint, else where to look next.
    const hint = error.hint ?? (opts.verbose ? 'the details above are all fragctl knows' : 'run again with -v for the full error');
    if (opts.json) {
      out.stdout.write(
        `${redact(JSON.stringify({ error: { code: error.code, message: error.message, hint, details: error.details, exitCode: error.exitCode } }, null, 2))}\n`,
      );
    }
    write(`${chalk.red('error:')} ${error.message}\n`);
    for (const d of error.details) write(`       ${d}\n`);
    write(`${chalk.dim('hint:')}  ${hint}\n`);
    if (opts.verbose && error.stack) write(chalk.gray(`${error.stack}\n`));
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  write(`${chalk.red('fragctl crashed:')} ${e.message}\n${chalk.gray(e.stack ?? '')}\n`);
  write('This is a bug in fragctl. Please report it with the command you ran and the output above.\n');
  return 1;
}
