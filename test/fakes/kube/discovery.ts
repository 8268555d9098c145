/** Discovery documents (/api, /apis, /version) and the slice of /openapi/v3 kubectl reads. */
import { RESOURCES, groupVersions } from './resources.js';
import { apiVersionOf, type ResourceType } from './types.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const versionInfo = {
  major: '1', minor: '32', gitVersion: 'v1.32.0-fragctl-fake', gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23.0', compiler: 'gc', platform: 'linux/amd64',
};

export function apiVersions(host: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

function group(name: string) {
  const versions = groupVersions().filter((gv) => gv.startsWith(`${name}/`)).map((gv) => ({ groupVersion: gv, version: gv.split('/')[1]! }));
  return { name, versions, preferredVersion: versions[0]! };
}

export function apiGroupList() {
  const names = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map(group) };
}

export function apiGroup(name: string) {
  return RESOURCES.some((r) => r.group === name) ? { kind: 'APIGroup', apiVersion: 'v1', ...group(name) } : undefined;
}

export function apiResourceList(groupVersion: string) {
  const rts = RESOURCES.filter((r) => apiVersionOf(r) === groupVersion);
  if (rts.length === 0) return undefined;
  const resources = rts.flatMap((r) => [
    { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.kind === 'Pod' || r.kind.endsWith('Set') || r.kind === 'Deployment' || r.kind.endsWith('Job') ? { categories: ['all'] } : {}) },
    ...(r.status ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
    ...(r.kind === 'Pod' ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }] : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

const gvPath = (gv: string) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`);

export function openApiV3Root() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions()) paths[gvPath(gv)] = { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=FAKE${gv.replace(/\W/g, '')}` };
  return { paths };
}

function itemPath(r: ResourceType): string {
  const base = `/${gvPath(apiVersionOf(r))}`;
  return r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`;
}

/**
 * A minimal OpenAPI v3 document per group/version: just the PATCH operations with their
 * group-version-kind and the `fieldValidation` parameter. kubectl reads this to learn the
 * server validates fields itself (so it sends fieldValidation=Strict instead of fetching schemas).
 */
export function openApiV3GroupVersion(gvPathname: string) {
  const rts = RESOURCES.filter((r) => gvPath(apiVersionOf(r)) === gvPathname);
  if (rts.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of rts) {
    const op = {
      operationId: `patch${r.kind}`,
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
        { name: 'force', in: 'query', schema: { type: 'boolean' } },
      ],
      responses: { '200': { description: 'OK' } },
    };
    paths[itemPath(r)] = { patch: op };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: versionInfo.gitVersion }, paths, components: { schemas: {} } };
}
