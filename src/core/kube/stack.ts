/**
 * What a Kubernetes environment's settings mean: its namespace, host, image and the names of the
 * objects in it. Everything here is checked before any request is made, so bad input changes nothing.
 */
import type { Environment } from '../config/project.js';
import type { KubeSettings } from '../config/schema.js';
import { UserError } from '../errors.js';
import { operator } from '../settings.js';
import { parseImageRef, type ContainerImageRef } from './image.js';
import { renderPattern } from './templates/render.js';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'fragctl' } as const;
export const HISTORY_CONFIGMAP = 'fragctl-history';
export const APP = 'app';
export const DATABASE = 'postgres';
/** The label selector of the app's pods. */
export const APP_SELECTOR = 'app.kubernetes.io/name=app';
export const APP_SECRET = 'app-secrets';
export const DATABASE_SECRET = 'postgres-credentials';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** Tags that point at a different image over time: pulled on every start. */
export const MOVING_TAGS = ['latest', 'stable'];

const SIMPLE = /^[a-z0-9]+$/;

export interface KubeStack {
  env: string;
  app: string;
  kind: 'developer' | 'shared';
  protected: boolean;
  namespace: string;
  host: string;
  url: string;
  /** Image repository from the settings (no tag), e.g. registry.example.com/shop. */
  image: string;
  /** Tag or digest from the settings, when given. */
  configured?: ContainerImageRef;
  replicas: number;
  tlsIssuer?: string;
  database: 'internal' | 'external';
  databaseHost?: string;
  storageClass?: string;
  registry?: string;
  user?: string;
  stack?: string;
  labels: Record<string, string>;
  settings: KubeSettings;
}

/** Who runs fragctl (one operator identity, core/settings.ts), for developer stack names and the deploy history. */
export function operatorName(settings?: Pick<KubeSettings, 'user'>): string {
  return settings?.user || operator().toLowerCase();
}

export function kubeSettings(env: Environment): KubeSettings {
  if (!env.kubernetes) {
    throw new UserError(`environment ${env.name} has no kubernetes section`, {
      hint: `add a "kubernetes:" mapping to ${env.file ?? `environments/${env.name}.yml`} (see environments/dev.yml)`,
      code: 'KUBE_SETTINGS',
    });
  }
  return env.kubernetes;
}

export function resolveStack(env: Environment): KubeStack {
  const s = kubeSettings(env);
  const app = env.settings.app_name;
  let namespace: string;
  let host: string;
  let user: string | undefined;
  let stack: string | undefined;
  if (s.kind === 'developer') {
    user = operatorName(s);
    if (!SIMPLE.test(user)) {
      throw new UserError(`user name "${user}" cannot be part of a developer stack's namespace`, {
        hint: 'set kubernetes.user in the environment file (or FRAGCTL_USER) to lower-case letters and digits only',
        code: 'KUBE_STACK_NAME',
      });
    }
    stack = s.stack ?? env.name;
    if (!SIMPLE.test(stack)) {
      throw new UserError(`invalid stack name "${stack}": lower-case letters and digits only`, {
        hint: 'set kubernetes.stack in the environment file, e.g. stack: main',
        code: 'KUBE_STACK_NAME',
      });
    }
    namespace = `${app}-${user}-${stack}`;
    host = `${user}-${stack}.${s.domain}`;
  } else {
    namespace = `${app}-${env.name}`;
    host = `${app}-${env.name}.${s.domain}`;
  }
  // namespace and host may be patterns, so that existing names (stack-alice-shop) can be followed.
  const names = {
    user: user ?? (s.namespace?.includes('user') || s.host?.includes('user') ? operatorName(s) : ''),
    stack_name: stack ?? s.stack ?? env.name,
    env_name: env.name,
    app_name: app,
    domain: s.domain,
  };
  if (s.namespace) namespace = renderPattern(s.namespace, 'kubernetes.namespace', names);
  if (s.host) host = renderPattern(s.host, 'kubernetes.host', names);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
    throw new UserError(`namespace "${namespace}" is not a valid Kubernetes name`, {
      hint: 'namespaces are lower-case letters, digits and dashes, at most 63 characters: shorten kubernetes.namespace, stack or user',
      code: 'KUBE_STACK_NAME',
    });
  }
  if (s.database === 'external' && !s.database_host) {
    throw new UserError('kubernetes.database is external but kubernetes.database_host is not set', {
      hint: 'set database_host to the address of the PostgreSQL server, or use database: internal',
      code: 'KUBE_SETTINGS',
    });
  }
  // The image: kubernetes.image/tag, else the names AWX-era teams keep in group_vars
  // (stack_image, stack_image_tag), else <app>-image.
  const shared = env.settings as Record<string, unknown>;
  const teamImage = typeof shared.stack_image === 'string' && shared.stack_image ? shared.stack_image : undefined;
  const rawTag = shared.stack_image_tag;
  const teamTag = (typeof rawTag === 'string' && rawTag) || typeof rawTag === 'number' ? String(rawTag) : undefined;
  const image = s.image ?? teamImage ?? `${app}-image`;
  const tag = s.tag ?? (s.image ? undefined : teamTag);
  const source = s.image || s.tag ? 'kubernetes.image' : teamImage ? 'stack_image' : 'kubernetes.image';
  const configured = parseImageRef(tag ? `${image}:${tag}` : image, source);
  return {
    env: env.name,
    app,
    kind: s.kind,
    protected: env.protected,
    namespace,
    host,
    url: `${s.tls_issuer ? 'https' : 'http'}://${host}`,
    image: configured.repository,
    configured: configured.tag || configured.digest ? configured : undefined,
    replicas: s.replicas,
    tlsIssuer: s.tls_issuer,
    database: s.database,
    databaseHost: s.database_host,
    storageClass: s.storage_class,
    registry: s.registry,
    user,
    stack,
    labels: { ...MANAGED_BY, 'app.kubernetes.io/part-of': app, 'fragctl.io/env': env.name },
    settings: s,
  };
}
