/** Keyed, deduplicated timers: the work queue of the fake's controllers. */
export class Loop {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(private readonly run: (key: string) => number | undefined) {}

  /** Runs `key` after `ms` (kept if an earlier run is already due). `run` may return a delay to go again. */
  schedule(key: string, ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    const cur = this.timers.get(key);
    if (cur && cur.at <= at) return;
    if (cur) clearTimeout(cur.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      let again: number | undefined;
      try {
        again = this.run(key);
      } catch (err) {
        console.error(`fake kube controller (${key}):`, err);
      }
      if (again !== undefined) this.schedule(key, again);
    }, ms);
    this.timers.set(key, { at, timer });
  }

  get pending(): number {
    return this.timers.size;
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

export const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
