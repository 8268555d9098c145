/** Reading run records: one environment's history, and every environment's runs. */
import type { Context } from '../context.js';
import type { Environment, Project } from '../config/project.js';
import { loadEnvironment } from '../config/project.js';
import type { IoHost } from '../io.js';
import { warn } from '../io.js';
import type { AwsConfig } from '../../providers/aws/clients.js';
import { platformOf } from '../platforms/index.js';
import { openEnvState } from './state.js';
import { localCache, stateAwsClients, stateTable } from './stores.js';
import { mergeRecords, type RunRecord } from './types.js';

export interface HistoryResult {
  env: string;
  /** Where the records were read from. */
  store: string;
  records: RunRecord[];
  warnings: string[];
}

export async function envHistory(ctx: Context, limit = 20): Promise<HistoryResult> {
  const cache = localCache(ctx.project);
  const cached = await cache.list(ctx.env.name, limit);
  const warnings = [...cached.warnings];
  let store = cache.location;
  let remote: RunRecord[] = [];
  try {
    const state = await openEnvState(ctx, { create: false });
    if (state.store.location !== cache.location) {
      store = state.store.location;
      const got = await state.store.list(ctx.env.name, limit);
      remote = got.records;
      warnings.push(...got.warnings);
    }
  } catch (e) {
    warnings.push(`${(e as Error).message.split('\n')[0]}; showing the local cache (${cache.location})`);
  }
  for (const w of warnings) warn(ctx.io, 'history.warning', w);
  return { env: ctx.env.name, store, records: mergeRecords([cached.records, remote], limit), warnings };
}

export interface RunsSource {
  location: string;
  envs: string[];
  ok: boolean;
  error?: string;
}

export interface RunsResult {
  records: RunRecord[];
  sources: RunsSource[];
  warnings: string[];
}

/** Every environment's runs: the local cache, plus each AWS state table the environments use. */
export async function allRuns(project: Project, io: IoHost, aws: Partial<AwsConfig>, limit = 50): Promise<RunsResult> {
  const cache = localCache(project);
  const cached = await cache.list(undefined, Number.MAX_SAFE_INTEGER);
  const warnings = [...cached.warnings];
  const sources: RunsSource[] = [{ location: cache.location, envs: [], ok: true }];
  const lists: RunRecord[][] = [cached.records];

  const groups = new Map<string, { config: AwsConfig; table: string; envs: string[] }>();
  const kube: Environment[] = [];
  for (const name of project.environmentNames()) {
    try {
      const env = loadEnvironment(project, name);
      const store = platformOf(env).recordStore;
      if (store === 'kubernetes') kube.push(env);
      if (store !== 'dynamodb') continue;
      const config: AwsConfig = {
        region: aws.region ?? env.aws.region ?? env.settings.aws_region,
        profile: aws.profile ?? env.aws.profile,
        endpointUrl: aws.endpointUrl ?? env.aws.endpoint_url,
      };
      const table = stateTable(env);
      const key = JSON.stringify([config, table]);
      const group = groups.get(key) ?? { config, table, envs: [] };
      group.envs.push(name);
      groups.set(key, group);
    } catch (e) {
      warnings.push(`environments/${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const fromKube = kube.map(async (env) => {
    const source: RunsSource = { location: `Kubernetes (${env.name})`, envs: [env.name], ok: true };
    sources.push(source);
    try {
      const { openKubeState } = await import('./kube-store.js');
      const ctx = {
        project,
        env,
        io,
        options: { yes: false, dryRun: false, verbose: false, interactive: false, pollIntervalMs: 1000 },
        signal: new AbortController().signal,
      } as unknown as Context;
      const read = (async () => {
        const state = await openKubeState(ctx, { create: false });
        source.location = state.store.location;
        return state.store.list(env.name, limit);
      })();
      const got = await withTimeout(read, 10_000, 'no answer in 10 s');
      lists.push(got.records);
      warnings.push(...got.warnings);
    } catch (e) {
      source.ok = false;
      source.error = (e as Error).message.split('\n')[0];
      warnings.push(`${env.name}: run records in the cluster unreachable (${source.error}): showing cached records`);
    }
  });
  await Promise.all([
    ...fromKube,
    ...[...groups.values()].map(async (g) => {
      const { DynamoRecordStore } = await import('./dynamo-store.js');
      const store = new DynamoRecordStore(stateAwsClients(g.config), g.table);
      const source: RunsSource = { location: `${store.location} (${g.config.region})`, envs: g.envs, ok: true };
      sources.push(source);
      try {
        const got = await store.list(undefined, Number.MAX_SAFE_INTEGER);
        lists.push(got.records);
        warnings.push(...got.warnings);
      } catch (e) {
        source.ok = false;
        source.error = (e as Error).message.split('\n')[0];
        warnings.push(`${source.location} unreachable (${source.error}): showing cached records of ${g.envs.join(', ')}`);
      }
    }),
  ]);
  for (const w of warnings) warn(io, 'runs.warning', w);
  return { records: mergeRecords(lists, limit), sources, warnings };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
