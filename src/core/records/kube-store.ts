/** Placeholder replaced below once the Kubernetes provider lands. */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { warn } from '../io.js';
import { LocalLock } from '../locks/local-lock.js';
import type { EnvLock } from '../locks/types.js';
import { LocalRecordStore } from './local-store.js';
import type { RecordStore } from './types.js';

export async function openKubeState(ctx: Context): Promise<{ store: RecordStore; lock: EnvLock }> {
  warn(ctx.io, 'run.kube-state', 'Kubernetes run records and locks are kept under .fragctl/ on this machine (cluster store not wired yet)');
  const dir = ctx.project.paths.state;
  return { store: new LocalRecordStore(join(dir, 'runs.jsonl'), ctx.project.paths.dir), lock: new LocalLock(join(dir, 'locks'), ctx.env.name, ctx.project.paths.dir) };
}
