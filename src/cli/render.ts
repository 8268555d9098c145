import Table from 'cli-table3';
import chalk from 'chalk';

/** A plain, borderless table for terminals and logs alike. */
export function table(head: string[], rows: Array<Array<string | number | undefined | null>>): string {
  const t = new Table({
    head: head.map((h) => chalk.bold(h)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
  });
  for (const r of rows) t.push(r.map((c) => (c === undefined || c === null ? '-' : String(c))));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

export const ok = (b: boolean): string => (b ? chalk.green('ok') : chalk.red('FAIL'));
