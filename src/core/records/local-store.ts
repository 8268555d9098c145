/**
 * Run records in a JSON-lines file under `.fragctl/`: the store of local environments and the cache
 * of every other one. Appends only (start line, end line): concurrent writers never lose a line,
 * and a torn last line from a killed process spoils only itself.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
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
      ? [`${this.location}: skipped ${bad.length} unreadable line${bad.length > 1 ? 's' : ''} (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}); the other records are shown`]
      : [];
    return { records: mergeRecords([records], limit), warnings };
  }
}
