/** The defaulting real API servers do on every write, for the fields clients commonly read back. */
import { isObject, type JsonObject, type KubeObject, type ResourceType } from './types.js';

type Obj = Record<string, unknown>;

function set(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined) obj[key] = value;
}

function child(obj: Obj, key: string): Obj {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as Obj;
}

function defaultContainer(c: unknown): void {
  if (!isObject(c)) return;
  const image = typeof c.image === 'string' ? c.image : '';
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  set(c, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
  set(c, 'terminationMessagePath', '/dev/termination-log');
  set(c, 'terminationMessagePolicy', 'File');
  set(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) set(p, 'protocol', 'TCP');
}

export function defaultPodSpec(spec: Obj, restartPolicy = 'Always'): void {
  set(spec, 'restartPolicy', restartPolicy);
  set(spec, 'dnsPolicy', 'ClusterFirst');
  set(spec, 'terminationGracePeriodSeconds', 30);
  set(spec, 'schedulerName', 'default-scheduler');
  set(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) cs.forEach(defaultContainer);
  }
}

function defaultTemplate(spec: Obj, restartPolicy?: string): void {
  const tpl = spec.template;
  if (isObject(tpl) && isObject(tpl.spec)) defaultPodSpec(tpl.spec, restartPolicy);
}

let nextClusterIp = 10;

export function applyDefaults(rt: ResourceType, obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Obj;
  switch (rt.kind) {
    case 'Namespace':
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      obj.spec = { finalizers: ['kubernetes'], ...obj.spec };
      break;
    case 'StatefulSet':
      set(spec, 'replicas', 1);
      set(spec, 'podManagementPolicy', 'OrderedReady');
      set(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
      defaultTemplate(spec);
      break;
    case 'Deployment':
      set(spec, 'replicas', 1);
      set(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'progressDeadlineSeconds', 600);
      defaultTemplate(spec);
      break;
    case 'Job': {
      set(spec, 'parallelism', 1);
      set(spec, 'completions', 1);
      set(spec, 'backoffLimit', 6);
      set(spec, 'completionMode', 'NonIndexed');
      set(spec, 'suspend', false);
      set(spec, 'manualSelector', false);
      defaultTemplate(spec, 'Never');
      break;
    }
    case 'CronJob':
      set(spec, 'suspend', false);
      set(spec, 'concurrencyPolicy', 'Allow');
      set(spec, 'successfulJobsHistoryLimit', 3);
      set(spec, 'failedJobsHistoryLimit', 1);
      break;
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Service': {
      set(spec, 'type', 'ClusterIP');
      set(spec, 'sessionAffinity', 'None');
      set(spec, 'internalTrafficPolicy', 'Cluster');
      set(spec, 'ipFamilies', ['IPv4']);
      set(spec, 'ipFamilyPolicy', 'SingleStack');
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        const n = nextClusterIp++;
        spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      }
      set(spec, 'clusterIPs', [spec.clusterIP]);
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) if (isObject(p)) {
          set(p, 'protocol', 'TCP');
          set(p, 'targetPort', p.port);
        }
      }
      break;
    }
    case 'Secret':
      obj.type ??= 'Opaque';
      if (isObject(obj.stringData)) {
        const data = child(obj, 'data');
        for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
      break;
    case 'PersistentVolumeClaim':
      set(spec, 'volumeMode', 'Filesystem');
      break;
  }
  if (obj.spec !== undefined || Object.keys(spec).length > 0) obj.spec = spec as JsonObject;
}

/** Status a real server sets on create (controllers fill in the rest). */
export function initialStatus(rt: ResourceType, obj: KubeObject): JsonObject | undefined {
  switch (rt.kind) {
    case 'Namespace': return { phase: 'Active' };
    case 'Pod': return { phase: 'Pending', qosClass: 'BestEffort' };
    case 'PersistentVolumeClaim': return { phase: 'Pending' };
    case 'Service': return { loadBalancer: {} };
    case 'StatefulSet': return { replicas: 0, availableReplicas: 0 }; // the Go zero value, non-omitempty fields
    default: return rt.status ? {} : (obj.status as JsonObject | undefined);
  }
}

/** Labels the Job controller's admission adds to a Job's selector and pod template. */
export function defaultJobSelector(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Obj;
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (spec.manualSelector === true) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const tplMeta = child(child(spec, 'template'), 'metadata');
  tplMeta.labels = {
    ...(isObject(tplMeta.labels) ? tplMeta.labels : {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}
