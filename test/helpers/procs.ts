/**
 * Processes by a mark in their environment: a test gives fragctl a unique variable, every process
 * it starts (and everything those start, whatever group or session they move to) inherits it.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Proc {
  pid: number;
  cmd: string;
}

export function markedProcesses(mark: string): Proc[] {
  const needle = `\0${mark}\0`;
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (!env.includes(needle)) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim();
      out.push({ pid: Number(name), cmd });
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

/** Polls until no marked process is left; returns those still there at the deadline. */
export async function waitNoMarked(mark: string, timeoutMs: number): Promise<{ left: Proc[]; ms: number }> {
  const start = Date.now();
  for (;;) {
    const left = markedProcesses(mark);
    if (!left.length || Date.now() - start >= timeoutMs) return { left, ms: Date.now() - start };
    await new Promise((r) => setTimeout(r, 100));
  }
}
