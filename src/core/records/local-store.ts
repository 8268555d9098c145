/**
 * Run records in a JSON-lines file under `.fragctl/`: the store of local environments and the cache
 * of every other one. Appends only (start line, end line), each record one write() of a whole line
 * with O_APPEND: concurrent writers never interleave or lose a line. A torn last line (a killed
 * process, a full disk) is isolated: the next record starts on a line of its own, so the damage
 * spoils that one line only and every record written afterwards parses.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { isRunRecord, mergeRecords, type ListResult, type RecordStore, type RunRecord } from './types.js';

export class LocalRecordStore implements RecordStore {
  readonly location: string;

  constructor(
    private readonly file: string,
    projectDir: string,
  ) {
    this.location = relative(projectDir, file) || file;
  }

  async put(record: RunRecord): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    appendLine(this.file, JSON.stringify(record));
  }

  async list(env: string | undefined, limit: number): Promise<ListResult> {
    if (!existsSync(this.file)) return { records: [], warnings: [] };
    const records: RunRecord[] = [];
    const bad: number[] = [];
    readFileSync(this.file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          const v: unknown = JSON.parse(line);
          if (!isRunRecord(v)) throw new Error('not a run record');
          if (!env || v.env === env) records.push(v);
        } catch {
          bad.push(i + 1);
        }
      });
    const warnings = bad.length
      ? [
          `${this.location}: skipped ${bad.length} unreadable line${bad.length > 1 ? 's' : ''} (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}); the other records are shown`,
        ]
      : [];
    return { records: mergeRecords([records], limit), warnings };
  }
}

/** One write() of `line` and its newline, after a newline of its own when the file's last byte is not one. */
export function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a+', 0o600); // O_APPEND: every write lands at the end, whoever else appends
  try {
    const size = fstatSync(fd).size;
    let torn = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      torn = last[0] !== 0x0a;
    }
    writeSync(fd, `${torn ? '\n' : ''}${line}\n`);
  } finally {
    closeSync(fd);
  }
}
