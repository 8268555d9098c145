/**
 * A spinner for one step, owned by one object from start to stop. ora is imported lazily (only
 * drawn on a terminal); a step that ends before the import resolves must not leave a spinner
 * behind (it would keep the process alive on a terminal), so a `done` flag is checked when ora
 * arrives: the step ended, nothing is started.
 */
import chalk from 'chalk';
import type { Progress } from '../core/io.js';
import { redact } from '../core/redact.js';

interface Ora {
  text: string;
  succeed(text?: string): void;
  fail(text?: string): void;
}

export class Spinner implements Progress {
  private spinner: Ora | undefined;
  private done = false;
  private text: string;

  constructor(
    private readonly message: string,
    private readonly write: (text: string) => void,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.text = redact(message);
    import('ora').then(
      ({ default: ora }) => {
        if (this.done) return;
        this.spinner = ora({ text: this.text, stream }).start();
      },
      () => this.write(`${chalk.cyan('…')} ${this.text}\n`), // no spinner to draw: a plain line
    );
  }

  update(message: string): void {
    this.text = redact(message);
    if (this.spinner) this.spinner.text = this.text;
  }

  succeed(message?: string): void {
    this.end('succeed', chalk.green('✔'), message);
  }

  fail(message?: string): void {
    this.end('fail', chalk.red('✖'), message);
  }

  private end(how: 'succeed' | 'fail', mark: string, message: string | undefined): void {
    if (this.done) return;
    this.done = true;
    const text = redact(message ?? this.message);
    if (this.spinner) this.spinner[how](text);
    else this.write(`${mark} ${text}\n`);
  }
}
