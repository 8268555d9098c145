/** What every controller of the fake shares: a work loop fed by store events, and hold/release on cue. */
import type { Store } from '../store.js';
import type { StoreEvent } from '../types.js';
import { keyOf, Loop } from './loop.js';

export abstract class Controller {
  protected readonly loop: Loop;
  protected readonly held = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(protected readonly store: Store, protected readonly stepMs: number) {
    this.loop = new Loop((key) => this.step(key));
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Stops the work on ns/name where it is (may be called before the object exists). */
  hold(ns: string, name: string): void {
    this.held.add(keyOf(ns, name));
  }

  release(ns: string, name: string): void {
    this.held.delete(keyOf(ns, name));
    this.loop.schedule(keyOf(ns, name), this.stepMs);
  }

  get idle(): boolean {
    return this.loop.pending === 0;
  }

  stop(): void {
    this.unsubscribe();
    this.loop.stop();
  }

  protected abstract onEvent(e: StoreEvent): void;
  /** One reconcile of `ns/name`; a number asks to run again after that many ms. */
  protected abstract step(key: string): number | undefined;
}
