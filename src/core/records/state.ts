/**
 * Where an environment's records and lock live, by platform (each platform's `openState`):
 * - aws: the DynamoDB table `<app>-fragctl` (or `aws.state_table`), created by fragctl on first use;
 * - kubernetes: a Lease and a ConfigMap in the environment's namespace;
 * - local: files under `.fragctl/`.
 * The `.fragctl/runs.jsonl` file is also the cache of every other store, so `fragctl runs` shows
 * something when a store cannot be reached.
 */
import { platformOf } from '../platforms/index.js';
import { localCache, type OpenStateOptions, type StateContext } from './stores.js';
import type { EnvState } from './types.js';

/** Opens the environment's state store (creating the AWS table on first use). Throws StateUnreachableError. */
export async function openEnvState(ctx: StateContext, opts: OpenStateOptions = {}): Promise<EnvState> {
  return platformOf(ctx.env).openState(ctx, localCache(ctx.project), opts);
}
