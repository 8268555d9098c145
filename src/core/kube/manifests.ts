/**
 * The objects of a stack, as fragctl applies them with server-side apply. Pure functions of the
 * stack and the image: the same input gives the same objects, so a re-deploy is a no-op.
 */
import type { KubeObject } from '../../providers/kube/resources.js';
import { APP, APP_SECRET, DATABASE, DATABASE_SECRET, MOVING_TAGS, RESTARTED_AT, type KubeStack } from './stack.js';
import { formatImage, type ImageRef } from './image.js';

export type Manifest = KubeObject & { apiVersion: string; kind: string };

export interface AppOptions {
  image: ImageRef;
  /** Keeps (or sets) the restart annotation, so that re-applying does not restart pods by itself. */
  restartedAt?: string;
}

export const componentLabels = (component: string): Record<string, string> => ({ 'app.kubernetes.io/name': component });

function meta(stack: KubeStack, name: string, extra: Record<string, string> = {}): Manifest['metadata'] {
  return { name, namespace: stack.namespace, labels: { ...stack.labels, ...extra } };
}

export function namespaceManifest(stack: KubeStack): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: stack.namespace, labels: stack.labels } };
}

function pvc(stack: KubeStack, name: string, size: string, access: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(stack, name),
    spec: {
      accessModes: [access],
      resources: { requests: { storage: size } },
      ...(stack.storageClass ? { storageClassName: stack.storageClass } : {}),
    },
  };
}

function service(stack: KubeStack, name: string, port: number, targetPort: number): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(stack, name, componentLabels(name)),
    spec: { selector: componentLabels(name), ports: [{ name: 'main', port, targetPort, protocol: 'TCP' }] },
  };
}

const secretEnv = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

export function appStatefulSet(stack: KubeStack, options: AppOptions): Manifest {
  const moving = !options.image.digest && MOVING_TAGS.includes(options.image.tag ?? '');
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(stack, APP, componentLabels(APP)),
    spec: {
      serviceName: APP,
      replicas: stack.replicas,
      selector: { matchLabels: componentLabels(APP) },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: {
          labels: { ...stack.labels, ...componentLabels(APP) },
          ...(options.restartedAt ? { annotations: { [RESTARTED_AT]: options.restartedAt } } : {}),
        },
        spec: {
          serviceAccountName: APP,
          containers: [
            {
              name: APP,
              image: formatImage(options.image),
              imagePullPolicy: moving ? 'Always' : 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8000 }],
              env: [
                { name: 'DATABASE_HOST', value: DATABASE },
                { name: 'DATABASE_NAME', value: 'app' },
                { name: 'DATABASE_USER', value: 'app' },
                secretEnv('DATABASE_PASSWORD', DATABASE_SECRET, 'password'),
                secretEnv('SECRET_KEY', APP_SECRET, 'secret-key'),
                { name: 'PUBLIC_URL', value: stack.url },
              ],
              volumeMounts: [{ name: 'media', mountPath: '/app/media' }],
            },
          ],
          volumes: [{ name: 'media', persistentVolumeClaim: { claimName: 'media' } }],
        },
      },
    },
  };
}

function databaseStatefulSet(stack: KubeStack): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(stack, DATABASE, componentLabels(DATABASE)),
    spec: {
      serviceName: DATABASE,
      replicas: 1,
      selector: { matchLabels: componentLabels(DATABASE) },
      template: {
        metadata: { labels: { ...stack.labels, ...componentLabels(DATABASE) } },
        spec: {
          containers: [
            {
              name: DATABASE,
              image: 'postgres:16',
              ports: [{ name: 'postgres', containerPort: 5432 }],
              env: [
                { name: 'POSTGRES_DB', value: 'app' },
                { name: 'POSTGRES_USER', value: 'app' },
                secretEnv('POSTGRES_PASSWORD', DATABASE_SECRET, 'password'),
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'database-data' } }],
        },
      },
    },
  };
}

/** An external database is reached through a Service of type ExternalName, so the app always talks to `postgres`. */
function externalDatabase(stack: KubeStack): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(stack, DATABASE, componentLabels(DATABASE)),
    spec: { type: 'ExternalName', externalName: stack.databaseHost ?? '' },
  };
}

function ingress(stack: KubeStack): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...meta(stack, APP, componentLabels(APP)),
      ...(stack.tlsIssuer ? { annotations: { 'cert-manager.io/cluster-issuer': stack.tlsIssuer } } : {}),
    },
    spec: {
      ...(stack.tlsIssuer ? { tls: [{ hosts: [stack.host], secretName: `${APP}-tls` }] } : {}),
      rules: [
        {
          host: stack.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: APP, port: { number: 80 } } } }] },
        },
      ],
    },
  };
}

/** Every object of the stack except the namespace and the generated secrets, in apply order. */
export function stackManifests(stack: KubeStack, options: AppOptions): Manifest[] {
  const out: Manifest[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(stack, APP) },
    pvc(stack, 'media', '10Gi', stack.replicas > 1 ? 'ReadWriteMany' : 'ReadWriteOnce'),
  ];
  if (stack.database === 'internal') {
    out.push(pvc(stack, 'database-data', '10Gi', 'ReadWriteOnce'), service(stack, DATABASE, 5432, 5432), databaseStatefulSet(stack));
  } else {
    out.push(externalDatabase(stack));
  }
  out.push(service(stack, APP, 80, 8000), appStatefulSet(stack, options), ingress(stack));
  return out;
}
