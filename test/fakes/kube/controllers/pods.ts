/** Pods as a kubelet would report them: built from a template, then running, waiting or terminated. */
import { createHash } from 'node:crypto';
import { defaultPodSpec } from '../defaults.js';
import { apiVersionOf, clone, isObject, objectsIn, type JsonObject, type KubeObject, type ResourceType } from '../types.js';
import { now } from './loop.js';

export const NODE = 'fake-node-1';

export function ownerRef(rt: ResourceType, owner: KubeObject) {
  return { apiVersion: apiVersionOf(rt), kind: rt.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function podFromTemplate(owner: KubeObject, rt: ResourceType, name: string, extraLabels: Record<string, string>): KubeObject {
  const tpl = (isObject(owner.spec?.template) ? owner.spec.template : {}) as { metadata?: JsonObject; spec?: JsonObject };
  const meta = tpl.metadata ?? {};
  const spec = clone(tpl.spec ?? {}) as Record<string, unknown>;
  defaultPodSpec(spec);
  spec.nodeName = NODE;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: owner.metadata.namespace,
      labels: { ...(isObject(meta.labels) ? (meta.labels as Record<string, string>) : {}), ...extraLabels },
      ...(isObject(meta.annotations) ? { annotations: meta.annotations as Record<string, string> } : {}),
      ownerReferences: [ownerRef(rt, owner)],
    },
    spec: spec as JsonObject,
  };
}

function containers(pod: KubeObject): Array<{ name: string; image: string }> {
  return objectsIn(pod.spec?.containers).map((c) => ({ name: String(c.name), image: String(c.image) }));
}

const condition = (type: string, ok: boolean, reason?: string) => ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now(), ...(reason ? { reason } : {}) });

function base(pod: KubeObject, phase: string, ready: boolean, reason?: string): JsonObject {
  return {
    phase,
    conditions: [condition('PodReadyToStartContainers', true), condition('Initialized', true), condition('Ready', ready, reason), condition('ContainersReady', ready, reason), condition('PodScheduled', true)],
    hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], podIP: `10.244.0.${(pod.metadata.name?.length ?? 0) + 10}`,
    startTime: (pod.status?.startTime as string | undefined) ?? now(), qosClass: 'BestEffort',
  };
}

const containerId = (name: string) => `containerd://${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`;

export function runningStatus(pod: KubeObject, ready = true): JsonObject {
  return {
    ...base(pod, 'Running', ready),
    containerStatuses: containers(pod).map((c) => ({
      name: c.name, image: c.image, imageID: imageId(c.image), containerID: containerId(c.name),
      ready, started: true, restartCount: 0, state: { running: { startedAt: now() } },
    })),
  };
}

/** A pod stuck before start (ImagePullBackOff, ErrImagePull, CreateContainerConfigError) or crash-looping. */
export function waitingStatus(pod: KubeObject, reason: string, message: string): JsonObject {
  const crashing = reason === 'CrashLoopBackOff';
  return {
    ...base(pod, crashing ? 'Running' : 'Pending', false, 'ContainersNotReady'),
    containerStatuses: containers(pod).map((c) => ({
      name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: crashing ? 3 : 0,
      state: { waiting: { reason, message } },
      ...(crashing ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now(), finishedAt: now() } } } : {}),
    })),
  };
}

export function terminatedStatus(pod: KubeObject, exitCode: number, reason: string): JsonObject {
  return {
    ...base(pod, exitCode === 0 ? 'Succeeded' : 'Failed', false, 'PodCompleted'),
    containerStatuses: containers(pod).map((c) => ({
      name: c.name, image: c.image, imageID: imageId(c.image), containerID: containerId(c.name),
      ready: false, started: false, restartCount: 0,
      state: { terminated: { exitCode, reason, startedAt: now(), finishedAt: now(), containerID: containerId(c.name) } },
    })),
  };
}

export const isReady = (pod: KubeObject): boolean =>
  Array.isArray(pod.status?.conditions) && pod.status.conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');

/** The digest a runtime would report: the pinned one, else one derived from the reference (two tags, two builds). */
function imageId(image: string | undefined): string {
  const ref = image ?? '';
  const pinned = /@(sha256:[a-f0-9]{64})$/.exec(ref)?.[1];
  return `${ref.replace(/@sha256:[a-f0-9]{64}$/, '')}@${pinned ?? `sha256:${createHash('sha256').update(ref).digest('hex')}`}`;
}
