/**
 * From rendered template text to the objects fragctl applies: every YAML document must be a
 * Kubernetes object (apiVersion, kind, metadata.name), no two may share kind/namespace/name, and
 * each gets the stack's labels (what prune later selects by) and its namespace when it names none.
 */
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../errors.js';
import type { Manifest } from '../manifests.js';
import type { KubeStack } from '../stack.js';

export const RELEASE_LABEL = 'fragctl.io/release';

export interface SourcedManifest {
  file: string;
  manifest: Manifest;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseDocuments(text: string, file: string): SourcedManifest[] {
  const out: SourcedManifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      const err = doc.errors[0]!;
      const pos = err.linePos?.[0];
      throw new UserError(
        `${file}: the rendered template is not valid YAML${pos ? ` (rendered line ${pos.line}, column ${pos.col})` : ''}: ${err.message.split('\n')[0]}`,
        {
          hint: 'check indentation around the {{ }} expressions there (to_yaml / to_json / indent help with nested values)',
          code: 'KUBE_TEMPLATE_YAML',
        },
      );
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const line = doc.contents?.range ? text.slice(0, doc.contents.range[0]).split('\n').length : 1;
    const where = `${file} (document at rendered line ${line})`;
    const obj = value as Partial<Manifest>;
    if (
      typeof value !== 'object' ||
      Array.isArray(value) ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.kind !== 'string' ||
      typeof obj.metadata?.name !== 'string'
    ) {
      throw new UserError(`${where} is not a Kubernetes object: apiVersion, kind and metadata.name are required`, {
        hint: 'every YAML document in kubernetes/*.yaml is one object, e.g. apiVersion: v1, kind: ConfigMap, metadata: {name: settings}',
        code: 'KUBE_NOT_AN_OBJECT',
      });
    }
    if (!NAME.test(obj.metadata.name) || obj.metadata.name.length > 253) {
      throw new UserError(`${where}: ${obj.kind} name "${obj.metadata.name}" is not a valid Kubernetes name`, {
        hint: 'lower-case letters, digits, "-" and "."',
        code: 'KUBE_NOT_AN_OBJECT',
      });
    }
    out.push({ file, manifest: obj as Manifest });
  }
  return out;
}

export const objectKey = (m: Pick<Manifest, 'kind' | 'metadata'>): string => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;

/** Namespace and labels set, duplicates refused. `cluster` tells the kinds that have no namespace. */
export function finishManifests(docs: SourcedManifest[], stack: KubeStack, namespaced: (kind: string) => boolean): Manifest[] {
  const seen = new Map<string, string>();
  const out: Manifest[] = [];
  for (const { file, manifest } of docs) {
    const m: Manifest = { ...manifest, metadata: { ...manifest.metadata } };
    if (namespaced(m.kind)) m.metadata.namespace ??= stack.namespace;
    if (namespaced(m.kind) && m.metadata.namespace !== stack.namespace) {
      throw new UserError(
        `${file}: ${m.kind} ${m.metadata.name} names namespace ${m.metadata.namespace}, not the stack's ${stack.namespace}`,
        {
          hint: 'leave metadata.namespace out (fragctl sets it) or write {{ namespace }}',
          code: 'KUBE_NAMESPACE_MISMATCH',
        },
      );
    }
    m.metadata.labels = { ...m.metadata.labels, ...stack.labels, [RELEASE_LABEL]: stack.env };
    const key = objectKey(m);
    const first = seen.get(key);
    if (first) {
      throw new UserError(
        `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name} is defined twice: in ${first} and in ${file}`,
        {
          hint: 'rename one of them or remove the duplicate',
          code: 'KUBE_DUPLICATE_OBJECT',
        },
      );
    }
    seen.set(key, file);
    out.push(m);
  }
  return out;
}

/** The order kubectl users expect: namespaces, CRDs, config and secrets, claims, accounts and RBAC, workloads, services, ingress. */
const ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'StorageClass',
  'ConfigMap',
  'Secret',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'HorizontalPodAutoscaler',
  'Job',
  'CronJob',
  'Service',
  'IngressClass',
  'Ingress',
];

export function applyOrder<T extends Pick<Manifest, 'kind'>>(manifests: T[]): T[] {
  const rank = (k: string) => {
    const i = ORDER.indexOf(k);
    return i < 0 ? ORDER.length : i; // custom resources after everything the stack's kinds need
  };
  return manifests
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m.kind) - rank(b.m.kind) || a.i - b.i)
    .map((x) => x.m);
}
