/**
 * The kinds fragctl touches, with their REST paths. A fixed table for the kinds every stack has
 * (no discovery round trip for them); kinds a template brings beyond the table are learned once
 * per run from the server's discovery documents (`discovery.ts`) and registered here.
 */
export type KnownKind =
  | 'Namespace'
  | 'ServiceAccount'
  | 'Secret'
  | 'ConfigMap'
  | 'PersistentVolumeClaim'
  | 'PersistentVolume'
  | 'Service'
  | 'Pod'
  | 'StatefulSet'
  | 'Job'
  | 'CronJob'
  | 'Ingress'
  | 'Event'
  | 'Deployment'
  | 'DaemonSet'
  | 'Role'
  | 'RoleBinding'
  | 'NetworkPolicy'
  | 'PodDisruptionBudget'
  | 'HorizontalPodAutoscaler';
/** A kind of the table, or one registered after discovery. */
export type KubeKind = KnownKind | (string & {});

export interface KindInfo {
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

const TABLE: Record<KnownKind, KindInfo> = {
  Namespace: { apiVersion: 'v1', plural: 'namespaces', namespaced: false },
  ServiceAccount: { apiVersion: 'v1', plural: 'serviceaccounts', namespaced: true },
  Secret: { apiVersion: 'v1', plural: 'secrets', namespaced: true },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps', namespaced: true },
  PersistentVolumeClaim: { apiVersion: 'v1', plural: 'persistentvolumeclaims', namespaced: true },
  PersistentVolume: { apiVersion: 'v1', plural: 'persistentvolumes', namespaced: false },
  Service: { apiVersion: 'v1', plural: 'services', namespaced: true },
  Pod: { apiVersion: 'v1', plural: 'pods', namespaced: true },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets', namespaced: true },
  Job: { apiVersion: 'batch/v1', plural: 'jobs', namespaced: true },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs', namespaced: true },
  Ingress: { apiVersion: 'networking.k8s.io/v1', plural: 'ingresses', namespaced: true },
  Event: { apiVersion: 'v1', plural: 'events', namespaced: true },
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments', namespaced: true },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets', namespaced: true },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  PodDisruptionBudget: { apiVersion: 'policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers', namespaced: true },
};

const registered = new Map<string, KindInfo>(Object.entries(TABLE));

/** The table entry of a kind (after discovery for kinds beyond the table); undefined when unknown. */
export function kindInfo(kind: string): KindInfo | undefined {
  return registered.get(kind);
}

/** Whether the table (or an earlier discovery) knows `kind` at `apiVersion`. */
export function knownKind(apiVersion: string, kind: string): boolean {
  return registered.get(kind)?.apiVersion === apiVersion;
}

export function registerKind(kind: string, info: KindInfo): void {
  registered.set(kind, info);
}

/** The collection path of a kind, e.g. /apis/apps/v1/namespaces/x/statefulsets. */
export function collectionPath(kind: KubeKind, namespace?: string): string {
  const k = registered.get(kind);
  if (!k) throw new Error(`kind ${kind} is not known to fragctl's table: discover it first`);
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
