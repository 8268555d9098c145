/**
 * The object type fragctl applies, and the stack's namespace (made by fragctl, labelled as its own).
 * Everything else in a stack comes from the ops project's `kubernetes/` templates.
 */
import type { KubeObject } from '../../providers/kube/resources.js';
import type { KubeStack } from './stack.js';

export type Manifest = KubeObject & { apiVersion: string; kind: string };

export const ADOPTED_BY = 'fragctl.io/adopted-by';

export function namespaceManifest(stack: KubeStack, adoptedBy?: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: stack.namespace, labels: stack.labels, ...(adoptedBy ? { annotations: { [ADOPTED_BY]: adoptedBy } } : {}) },
  };
}
