import type { Store } from '../store.js';
import { DeploymentController } from './deployment.js';
import { JobController } from './job.js';
import { LifecycleController, type LifecycleOptions } from './lifecycle.js';
import { StatefulSetController } from './statefulset.js';

export type { JobFailure } from './job.js';
export { DeploymentController, JobController, LifecycleController, StatefulSetController };

export interface Controllers {
  statefulSets: StatefulSetController;
  jobs: JobController;
  deployments: DeploymentController;
  lifecycle: LifecycleController;
  stop(): void;
}

export function startControllers(store: Store, stepMs: number, podLogs: Map<string, string>, lifecycle: LifecycleOptions): Controllers {
  const c = {
    statefulSets: new StatefulSetController(store, stepMs),
    jobs: new JobController(store, stepMs, podLogs),
    deployments: new DeploymentController(store, stepMs),
    lifecycle: new LifecycleController(store, lifecycle),
  };
  return { ...c, stop: () => Object.values(c).forEach((x) => x.stop()) };
}
