/** The kinds the fake serves, with their discovery names and schema validators. */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Event } from 'kubernetes-models/v1/Event';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Lease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { ResourceType } from './types.js';

type Model = new (data: never) => { validate(): void };
const check = (M: Model) => (obj: unknown) => new M(obj as never).validate();

type Def = Omit<ResourceType, 'singular' | 'validate' | 'generation'> & { model: Model; generation?: boolean };

const defs: Def[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], status: true, model: Namespace, generation: false },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], status: false, model: ServiceAccount },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, status: false, model: Secret },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], status: false, model: ConfigMap },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], status: true, model: PersistentVolumeClaim, generation: false },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], status: true, model: Service, generation: false },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], status: true, model: Pod, generation: false },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], status: false, model: Event },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], status: true, model: StatefulSet },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], status: true, model: Deployment },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, status: true, model: Job },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'], status: true, model: CronJob },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], status: true, model: Ingress },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true, status: false, model: Lease },
];

export const RESOURCES: readonly ResourceType[] = defs.map(({ model, generation, ...d }) => ({
  ...d,
  singular: d.kind.toLowerCase(),
  // Real servers keep metadata.generation for kinds whose spec drives a controller.
  generation: generation ?? d.status,
  validate: check(model),
}));

export const groupVersions = (): string[] => [...new Set(RESOURCES.map((r) => (r.group ? `${r.group}/${r.version}` : r.version)))];

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion && r.kind === kind);
}

export function byKind(kind: string): ResourceType {
  const rt = RESOURCES.find((r) => r.kind === kind);
  if (!rt) throw new Error(`fake kube: unknown kind ${kind}`);
  return rt;
}
