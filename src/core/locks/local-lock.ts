/**
 * The lock of a local environment: a file under `.fragctl/locks/`, a lease with `expires` and
 * `heartbeat` fields. Every write goes to a private temporary file first:
 * - taking a free lock hard-links it into place (fails with EEXIST when the lock is taken), so the
 *   lock file either does not exist or holds a complete holder;
 * - taking over an expired lock renames the expired file aside to a name of our own (only one
 *   renamer can get it), checks that what it moved is the expired holder it read, then links ours;
 * - renewing renames a new version over the file after checking the owner.
 * The file system has no compare-and-swap, so a renewal re-reads the owner just before the rename:
 * the window is a few microseconds on one machine, where these locks live.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isStale } from './stale.js';
import { isLockHolder, LockHeldError, LockLostError, UnreadableLockError, type EnvLock, type LockHolder } from './types.js';

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
    const tmp = this.tmpWith(holder);
    try {
      if (this.link(tmp)) return;
      const current = await this.status();
      if (!current) {
        if (this.link(tmp)) return;
        throw new LockHeldError(this.env, (await this.status()) ?? holder, false);
      }
      if (!isStale(current)) throw new LockHeldError(this.env, current, false);
      // Expired: move it aside under a name only we use; if what we moved is not the holder we read,
      // someone took the lock in between: put theirs back and report it.
      const aside = `${this.file}.${randomBytes(6).toString('hex')}.expired`;
      try {
        renameSync(this.file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        throw new LockHeldError(this.env, (await this.status()) ?? current, false);
      }
      const moved = this.parse(readFileSync(aside, 'utf8'));
      if (moved?.runId !== current.runId) {
        try {
          linkSync(aside, this.file);
        } catch {
          // the file is already someone else's
        }
        unlinkQuiet(aside);
        throw new LockHeldError(this.env, moved ?? current, false);
      }
      unlinkQuiet(aside);
      if (this.link(tmp)) return;
      throw new LockHeldError(this.env, (await this.status()) ?? current, false);
    } finally {
      unlinkQuiet(tmp);
    }
  }

  async renew(runId: string, heartbeat: string, expires: string): Promise<void> {
    const current = await this.status().catch(() => undefined);
    if (current?.runId !== runId)
      throw new LockLostError(this.env, `${this.location} ${current ? `now names run ${current.runId}` : 'is gone'}`);
    const tmp = this.tmpWith({ ...current, heartbeat, expires });
    renameSync(tmp, this.file);
  }

  async release(runId: string): Promise<void> {
    const current = await this.status().catch(() => undefined);
    if (current?.runId === runId) unlinkQuiet(this.file);
  }

  async status(): Promise<LockHolder | undefined> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const holder = this.parse(text);
    if (!holder) throw new UnreadableLockError(this.env, this.location, `rm ${this.location}`);
    return holder;
  }

  async forceRelease(runId?: string): Promise<LockHolder | undefined> {
    let current: LockHolder | undefined;
    try {
      current = await this.status();
    } catch (e) {
      if (!(e instanceof UnreadableLockError) || runId) throw e;
      unlinkQuiet(this.file);
      return undefined;
    }
    if (!current || (runId && current.runId !== runId)) return undefined;
    unlinkQuiet(this.file);
    return current;
  }

  private parse(text: string): LockHolder | undefined {
    try {
      const v: unknown = JSON.parse(text);
      return isLockHolder(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  private tmpWith(holder: LockHolder): string {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
    return tmp;
  }

  private link(tmp: string): boolean {
    try {
      linkSync(tmp, this.file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return false;
    }
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
