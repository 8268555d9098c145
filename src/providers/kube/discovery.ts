/**
 * Kinds beyond fragctl's table (custom resources, rarer built-ins) are learned from the server's
 * discovery documents, one request per group/version a stack uses, so that a kind the server does
 * not serve is found before anything is applied.
 */
import type { KubeClient } from './client.js';
import { knownKind, registerKind } from './resources.js';

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** Registers every kind of `refs` the server serves; returns those it does not. */
export async function discoverKinds(api: KubeClient, refs: KindRef[]): Promise<KindRef[]> {
  const missing = refs.filter((r) => !knownKind(r.apiVersion, r.kind));
  const versions = [...new Set(missing.map((r) => r.apiVersion))];
  const lists = new Map<string, ApiResourceList | undefined>();
  for (const gv of versions) {
    lists.set(gv, await api.discovery<ApiResourceList>(gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`));
  }
  const unknown: KindRef[] = [];
  for (const r of missing) {
    const res = lists.get(r.apiVersion)?.resources?.find((x) => x.kind === r.kind && !x.name.includes('/'));
    if (res) registerKind(r.kind, { apiVersion: r.apiVersion, plural: res.name, namespaced: res.namespaced });
    else if (!unknown.some((u) => u.kind === r.kind && u.apiVersion === r.apiVersion)) unknown.push(r);
  }
  return unknown;
}
