/** An IoHost for in-process core tests: it records events, progress updates and confirmations. */
import type { ConfirmRequest, IoEvent, IoHost, Progress } from '../../src/core/io.js';

export class RecordingIo implements IoHost {
  events: IoEvent[] = [];
  updates: Array<{ at: number; message: string }> = [];
  confirms: ConfirmRequest[] = [];
  /** How confirmations are answered; 'throw' plays a host where no one can be asked. */
  constructor(public answer: boolean | 'throw' = true) {}
  emit(event: IoEvent): void {
    this.events.push(event);
  }
  progress(message: string): Progress {
    this.events.push({ level: 'info', code: 'progress', message });
    return {
      update: (m) => void this.updates.push({ at: performance.now(), message: m }),
      succeed: () => undefined,
      fail: () => undefined,
    };
  }
  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.confirms.push(request);
    if (this.answer === 'throw') throw new Error('no one to ask');
    return this.answer;
  }
  stream(): void {}
  /** The events with this code. */
  withCode(code: string): IoEvent[] {
    return this.events.filter((e) => e.code === code);
  }
  /** Every event's code, in order. */
  codes(): string[] {
    return this.events.map((e) => e.code);
  }
}
