/** A minimal Deployment controller: after one step, status reports the new revision fully available. No pods. */
import { byKind } from '../resources.js';
import type { StoreEvent } from '../types.js';
import { Controller } from './controller.js';
import { keyOf, now, splitKey } from './loop.js';
import { revisionOf } from './statefulset.js';

const DEPLOY = byKind('Deployment');

export class DeploymentController extends Controller {

  protected onEvent(e: StoreEvent): void {
    if (e.rt !== DEPLOY || e.type === 'DELETED') return;
    if (e.type === 'ADDED' || e.old?.metadata.generation !== e.object.metadata.generation) {
      this.loop.schedule(keyOf(e.object.metadata.namespace ?? '', e.object.metadata.name ?? ''), this.stepMs);
    }
  }

  protected step(key: string): undefined {
    const [ns, name] = splitKey(key);
    const d = this.store.get(DEPLOY, ns, name);
    if (!d || this.held.has(key)) return undefined;
    const replicas = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
    const rs = revisionOf(d);
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastUpdateTime: now(), lastTransitionTime: now() });
    this.store.update(DEPLOY, {
      ...d,
      status: {
        observedGeneration: d.metadata.generation ?? 1,
        replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
        conditions: [
          cond('Available', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
          cond('Progressing', 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`),
        ],
      },
    }, { fieldManager: 'kube-controller-manager', skipValidation: true, subresource: 'status' });
    return undefined;
  }

}
