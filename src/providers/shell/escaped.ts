/**
 * Processes that left their child's process group: Ansible's workers call setsid(), and ssh's
 * ControlPersist master daemonizes, so ending the group does not reach them. Each child fragctl
 * starts carries its own mark in its environment (inherited by everything it starts, whatever
 * session it moves to); these functions find and end the processes carrying it, through /proc.
 * Where /proc is missing they find nothing, and the watchdog's sweep at exit stays the backstop.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** The variable that marks one child and its descendants. */
export const CHILD_MARK_ENV = 'FRAGCTL_CHILD';

export const newChildMark = (): string => randomBytes(8).toString('hex');

/** Pids of live processes whose environment carries the mark (zombies have none: they are already dead). */
export function markedPids(mark: string): number[] {
  const needle = `\0${CHILD_MARK_ENV}=${mark}\0`;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(needle)) out.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

const send = (pids: number[], signal: NodeJS.Signals): void => {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
};

/** SIGTERM to every marked process, SIGKILL after the grace period; resolves when none is left (or 2 s after SIGKILL). */
export async function endMarked(mark: string, graceMs: number): Promise<void> {
  let pids = markedPids(mark);
  if (!pids.length) return;
  send(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let killed = false;
  while ((pids = markedPids(mark)).length && Date.now() < deadline + 2000) {
    if (Date.now() >= deadline && !killed) {
      send(pids, 'SIGKILL');
      killed = true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
