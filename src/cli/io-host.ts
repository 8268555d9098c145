import { createInterface } from 'node:readline/promises';
import chalk from 'chalk';
import type { ConfirmRequest, IoEvent, IoHost, Progress } from '../core/io.js';
import { UserError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { isInteractive, type CliHost } from './host.js';
import { Spinner } from './spinner.js';

export interface CliIoOptions {
  json: boolean;
  verbose: boolean;
  color: boolean;
  yes: boolean;
}

/**
 * The CLI's IoHost. stdout carries results only; events, progress and Ansible's stream go to
 * stderr. Spinners only on a TTY outside CI; otherwise one plain line per event. Every byte is
 * passed through the secret redactor.
 */
export class CliIoHost implements IoHost {
  private readonly spinners: boolean;

  constructor(
    private readonly opts: CliIoOptions,
    private readonly host: Pick<CliHost, 'stdout' | 'stderr' | 'stdin' | 'env'>,
  ) {
    if (!opts.color) chalk.level = 0;
    this.spinners = isInteractive(host) && !opts.json;
  }

  emit(event: IoEvent): void {
    if (event.level === 'debug' && !this.opts.verbose) return;
    const mark = { debug: chalk.gray('·'), info: chalk.cyan('›'), warn: chalk.yellow('!'), success: chalk.green('✔') }[event.level];
    const text = event.level === 'debug' ? chalk.gray(event.message) : event.level === 'warn' ? chalk.yellow(event.message) : event.message;
    this.err(`${mark} ${text}\n`);
  }

  progress(message: string): Progress {
    if (!this.spinners) {
      this.err(`${chalk.cyan('…')} ${message}\n`);
      return {
        update: (m) => this.err(`  ${m}\n`),
        succeed: (m) => this.err(`${chalk.green('✔')} ${m ?? message}\n`),
        fail: (m) => this.err(`${chalk.red('✖')} ${m ?? message}\n`),
      };
    }
    return new Spinner(message, (t) => this.err(t), this.host.stderr as NodeJS.WriteStream);
  }

  async confirm(request: ConfirmRequest): Promise<boolean> {
    if (this.opts.yes) return true;
    if (this.opts.json || !isInteractive(this.host)) {
      throw new UserError(`confirmation needed: ${request.message}`, {
        hint: 'no one can be asked here (no TTY, CI or --json): pass --yes to confirm in scripts',
        code: 'CONFIRM_NEEDED',
      });
    }
    const rl = createInterface({ input: this.host.stdin, output: this.host.stderr });
    try {
      if (request.typeToConfirm) {
        const answer = await rl.question(
          `${chalk.yellow('?')} ${redact(request.message)}\n  Type ${chalk.bold(request.typeToConfirm)} to confirm: `,
        );
        return answer.trim() === request.typeToConfirm;
      }
      const answer = await rl.question(`${chalk.yellow('?')} ${redact(request.message)} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }

  stream(chunk: string): void {
    this.err(chunk);
  }

  /** Results: the only thing written to stdout. */
  result(text: string): void {
    this.host.stdout.write(redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** Bytes for stdout exactly as given (a template to pipe into a file). */
  raw(text: string): void {
    this.host.stdout.write(text);
  }

  json(value: unknown): void {
    this.host.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`);
  }

  private err(text: string): void {
    this.host.stderr.write(redact(text));
  }
}
