/** Reading run records: one environment's history, and every environment's runs. */
import type { Context } from '../context.js';
import type { Project } from '../config/project.js';
import { loadEnvironment } from '../config/project.js';
import type { IoHost } from '../io.js';
import { warn } from '../io.js';
import type { AwsConfig } from '../../providers/aws/clients.js';
import { localCache, openEnvState, stateAwsClients, stateTable } from './state.js';
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
  for (const name of project.environmentNames()) {
    try {
      const env = loadEnvironment(project, name);
      if (env.platform !== 'aws') continue;
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
  await Promise.all(
    [...groups.values()].map(async (g) => {
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
  );
  for (const w of warnings) warn(io, 'runs.warning', w);
  return { records: mergeRecords(lists, limit), sources, warnings };
}
