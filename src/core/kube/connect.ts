/**
 * The Kubernetes client of a run, made once per context and environment from the environment's
 * kubeconfig and context settings.
 */
import type { Context } from '../context.js';
import type { Environment } from '../config/project.js';
import { UserError } from '../errors.js';
import { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { debug } from '../io.js';
import { kubeSettings, MANAGED_BY, type KubeStack } from './stack.js';
import { parseDuration } from './watch.js';
import { asText } from '../text.js';

const clients = new WeakMap<Context, Map<string, Promise<KubeClient>>>();

export function connectKube(ctx: Context, env: Environment = ctx.env): Promise<KubeClient> {
  let perEnv = clients.get(ctx);
  if (!perEnv) clients.set(ctx, (perEnv = new Map()));
  let client = perEnv.get(env.name);
  if (!client) {
    const s = kubeSettings(env);
    client = (async () => {
      const { loadKubeTarget } = await import('../../providers/kube/config.js');
      const target = await loadKubeTarget({ kubeconfig: s.kubeconfig, context: s.context, baseDir: ctx.project.paths.dir });
      debug(ctx.io, 'kube.target', `Kubernetes API ${target.server} (context ${target.context})`, {
        server: target.server,
        context: target.context,
      });
      // One client per run and environment: its retries and waits stop with the run (Ctrl-C).
      return new KubeClient(target, {
        signal: ctx.signal,
        timeoutMs: s.request_timeout ? parseDuration(s.request_timeout, 'kubernetes.request_timeout') : undefined,
      });
    })();
    perEnv.set(env.name, client);
  }
  return client;
}

export const isManaged = (obj: KubeObject): boolean =>
  obj.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];

/**
 * The stack's namespace when fragctl made it; undefined when it does not exist. A namespace made
 * by someone else is refused before anything is changed.
 */
export async function managedNamespace(api: KubeClient, stack: KubeStack): Promise<KubeObject | undefined> {
  const ns = await api.get('Namespace', stack.namespace);
  if (ns && !isManaged(ns)) {
    throw new UserError(`namespace ${stack.namespace} exists but was not made by fragctl (no label app.kubernetes.io/managed-by=fragctl)`, {
      hint: 'fragctl never takes over a namespace it did not create: choose another namespace (kubernetes.namespace or stack) or remove the existing one',
      code: 'KUBE_NAMESPACE_FOREIGN',
    });
  }
  return ns;
}

/** Emits what a verb touched, for --verbose and run records. */
export function touched(ctx: Context, api: KubeClient | undefined, data: Record<string, unknown>): void {
  ctx.io.emit({
    level: 'debug',
    code: 'run.touched',
    message: `kubernetes: namespace ${asText(data.namespace, '?')}${api ? `, ${api.totalCalls()} API requests` : ''}`,
    data: { ...data, ...(api ? { requests: api.totalCalls(), retries: api.retries, calls: Object.fromEntries(api.calls) } : {}) },
  });
}
