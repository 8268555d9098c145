/** Parses the PLAY RECAP block ansible-playbook prints at the end of a run. */
import type { PlayRecap } from './types.js';

type HostRecap = PlayRecap['hosts'][string];
const FIELDS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

export function parseRecap(output: string): PlayRecap['hosts'] {
  const hosts: PlayRecap['hosts'] = {};
  const idx = output.lastIndexOf('PLAY RECAP');
  if (idx < 0) return hosts;
  for (const line of output.slice(idx).split('\n').slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const rec: HostRecap = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    let seen = false;
    for (const [, k, v] of m[2]!.matchAll(/(\w+)=(\d+)/g)) {
      if ((FIELDS as readonly string[]).includes(k!)) {
        rec[k as (typeof FIELDS)[number]] = Number(v);
        seen = true;
      }
    }
    if (seen) hosts[m[1]!] = rec;
  }
  return hosts;
}

export function recapOk(hosts: PlayRecap['hosts']): boolean {
  return Object.values(hosts).every((h) => h.failed === 0 && h.unreachable === 0);
}
