/**
 * Reading one ansible-playbook run of several playbooks as it streams. Ansible prints a PLAY
 * RECAP after each playbook, with the run's totals so far, and does not start the next playbook
 * when one ended with a failed host: so the n-th recap closes the n-th playbook, and a playbook's
 * own counts are its recap minus the one before.
 */
import type { PlayRecap } from './types.js';
import { parseRecap, recapOk } from './recap.js';

const RECAP = /^PLAY RECAP \*/;
const PLAY = /^PLAY \[/;

/** Splits a stream into whole lines; tells when a playbook starts (its first PLAY line). */
export class PlaybookStream {
  private partial = '';
  private recaps = 0;
  private started = -1;
  /** The playbook that started last (-1 before the first play). */
  get current(): number {
    return this.started;
  }
  private inRecap = false;
  text = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onPlaybookStart: (index: number) => void,
  ) {}

  push(chunk: string): void {
    this.text += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(`${l}\n`);
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(line: string): void {
    if (RECAP.test(line)) this.inRecap = true;
    else if (this.inRecap && line.trim() === '') {
      this.inRecap = false;
      this.recaps++;
    }
    if (PLAY.test(line) && this.started < this.recaps) {
      this.started = this.recaps;
      this.onPlaybookStart(this.recaps);
    }
    this.onLine(line);
  }
}

/** Each playbook's own recap, in order; playbooks Ansible did not reach have none. */
export function recapsPerPlaybook(output: string): PlayRecap[] {
  const out: PlayRecap[] = [];
  let previous: PlayRecap['hosts'] = {};
  const blocks = output.split(/^(?=PLAY RECAP \*)/m).slice(1);
  for (const block of blocks) {
    const total = parseRecap(block);
    const own: PlayRecap['hosts'] = {};
    for (const [host, h] of Object.entries(total)) {
      const p = previous[host];
      const d = { ...h };
      if (p) for (const k of Object.keys(d) as Array<keyof typeof d>) d[k] -= p[k];
      if (Object.values(d).some((v) => v > 0)) own[host] = d;
    }
    out.push({ ok: recapOk(own), hosts: own });
    previous = total;
  }
  return out;
}
