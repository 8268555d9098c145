/**
 * The kinds fragctl touches, with their REST paths. A fixed table instead of API discovery: every
 * call is one request, so a verb's request count is bounded and known.
 */
export type KubeKind =
  | 'Namespace'
  | 'ServiceAccount'
  | 'Secret'
  | 'ConfigMap'
  | 'PersistentVolumeClaim'
  | 'Service'
  | 'Pod'
  | 'StatefulSet'
  | 'Job'
  | 'CronJob'
  | 'Ingress'
  | 'Event';

interface KindInfo {
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

export const KINDS: Record<KubeKind, KindInfo> = {
  Namespace: { apiVersion: 'v1', plural: 'namespaces', namespaced: false },
  ServiceAccount: { apiVersion: 'v1', plural: 'serviceaccounts', namespaced: true },
  Secret: { apiVersion: 'v1', plural: 'secrets', namespaced: true },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps', namespaced: true },
  PersistentVolumeClaim: { apiVersion: 'v1', plural: 'persistentvolumeclaims', namespaced: true },
  Service: { apiVersion: 'v1', plural: 'services', namespaced: true },
  Pod: { apiVersion: 'v1', plural: 'pods', namespaced: true },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets', namespaced: true },
  Job: { apiVersion: 'batch/v1', plural: 'jobs', namespaced: true },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs', namespaced: true },
  Ingress: { apiVersion: 'networking.k8s.io/v1', plural: 'ingresses', namespaced: true },
  Event: { apiVersion: 'v1', plural: 'events', namespaced: true },
};

/** The collection path of a kind, e.g. /apis/apps/v1/namespaces/x/statefulsets. */
export function collectionPath(kind: KubeKind, namespace?: string): string {
  const k = KINDS[kind];
  const base = k.apiVersion.includes('/') ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`;
  if (!k.namespaced) return `${base}/${k.plural}`;
  if (!namespace) throw new Error(`${kind} is namespaced: a namespace is needed`);
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}`;
}

export function objectPath(kind: KubeKind, name: string, namespace?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}

/** A Kubernetes object as fragctl sees it: only metadata is typed. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
  };
  // Everything below metadata stays loosely typed; readers narrow what they use.
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}
