/** Where an interrupted ansible-playbook run stopped, read from its output: what the operator must know to finish it. */
export interface StoppedAt {
  play?: string;
  task?: string;
  /** Hosts that reported at least one task result: changes may have reached them. */
  hosts: string[];
}

export function stoppedAt(output: string): StoppedAt {
  let play: string | undefined;
  let task: string | undefined;
  const hosts = new Set<string>();
  for (const line of output.split('\n')) {
    const p = /^PLAY \[(.*)\] \**$/.exec(line);
    if (p) play = p[1];
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$/.exec(line);
    if (t) task = t[1];
    const r = /^(?:ok|changed|failed|fatal|skipping|unreachable|included): \[([^\]\s]+)(?: -> [^\]]+)?\]/.exec(line);
    if (r) hosts.add(r[1]!);
  }
  return { play, task, hosts: [...hosts] };
}

/** One sentence: `at task "…" of play "…"; may be half-done on: a, b`. */
export function describeStop(s: StoppedAt, inventory: string[]): string {
  const where = s.task
    ? ` at task "${s.task}"${s.play ? ` of play "${s.play}"` : ''}`
    : s.play
      ? ` in play "${s.play}"`
      : ' before its first task';
  const hosts = s.hosts.length ? s.hosts : inventory;
  return `${where}; may be half-done on: ${hosts.join(', ') || 'no host'}`;
}
