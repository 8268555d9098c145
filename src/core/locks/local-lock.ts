/**
 * The lock of a local environment: a file under `.fragctl/locks/` created atomically. The holder is
 * written to a private temporary file first and then hard-linked into place, so the lock file
 * either does not exist or holds a complete holder (link fails with EEXIST when it is taken).
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isStale } from './stale.js';
import { isLockHolder, LockHeldError, unknownHolder, type EnvLock, type LockHolder } from './types.js';

export class LocalLock implements EnvLock {
  readonly location: string;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly env: string,
    projectDir: string,
  ) {
    this.file = join(dir, `${env}.json`);
    this.location = relative(projectDir, this.file) || this.file;
  }

  async acquire(holder: LockHolder): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.${holder.runId}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
    try {
      linkSync(tmp, this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const current = (await this.status()) ?? unknownHolder();
      throw new LockHeldError(this.env, current, isStale(current));
    } finally {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }

  async release(runId: string): Promise<void> {
    const current = await this.status();
    if (current?.runId === runId) this.remove();
  }

  async status(): Promise<LockHolder | undefined> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const v: unknown = JSON.parse(text);
      if (isLockHolder(v)) return v;
    } catch {
      // fall through
    }
    return unknownHolder(statSync(this.file).mtime.toISOString());
  }

  async forceRelease(): Promise<LockHolder | undefined> {
    const current = await this.status();
    this.remove();
    return current;
  }

  private remove(): void {
    try {
      unlinkSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
