/**
 * Loading a kubeconfig and choosing its context, with errors an operator can act on.
 * @kubernetes/client-node does the parsing and the authentication (tokens, client certificates,
 * exec plugins); it is imported lazily because it is slow to import.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type * as http from 'node:http';
import type * as https from 'node:https';
import { UserError } from '../../core/errors.js';
import { environ, workingDir } from '../../core/environ.js';

export interface KubeTarget {
  /** The API server's base URL, without a trailing slash. */
  server: string;
  context: string;
  kubeconfig: string;
  namespace?: string;
  /** Request options with authentication and TLS applied (headers, agent, ca, cert, key). */
  requestOptions: https.RequestOptions & http.RequestOptions;
}

export interface KubeConfigInput {
  kubeconfig?: string;
  context?: string;
  /** Where a relative kubeconfig path is resolved (the project directory). */
  baseDir?: string;
}

function expand(path: string, baseDir: string | undefined): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(baseDir ?? workingDir(), path);
}

/** The kubeconfig file to read: the setting, else $KUBECONFIG (first existing entry), else ~/.kube/config. */
export function kubeconfigPath(input: KubeConfigInput): { path: string; from: string } {
  if (input.kubeconfig) return { path: expand(input.kubeconfig, input.baseDir), from: 'kubernetes.kubeconfig in the environment file' };
  const env = environ().KUBECONFIG;
  if (env) {
    const entries = env.split(delimiter).filter(Boolean);
    const found = entries.find((p) => existsSync(p));
    return { path: found ?? entries[0]!, from: '$KUBECONFIG' };
  }
  return { path: join(homedir(), '.kube', 'config'), from: 'the default location' };
}

export async function loadKubeTarget(input: KubeConfigInput): Promise<KubeTarget> {
  const { path, from } = kubeconfigPath(input);
  if (!existsSync(path)) {
    throw new UserError(`kubeconfig ${path} not found (${from})`, {
      hint: 'set kubernetes.kubeconfig in the environment file or KUBECONFIG to a kubeconfig file with access to the cluster',
      code: 'KUBE_CONFIG',
    });
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new UserError(`kubeconfig ${path} cannot be read: ${(e as Error).message}`, {
      hint: 'check the file is a valid kubeconfig (kubectl config view)',
      code: 'KUBE_CONFIG',
      cause: e,
    });
  }
  const names = kc.getContexts().map((c) => c.name);
  const wanted = input.context ?? kc.getCurrentContext();
  if (!wanted) {
    throw new UserError(`kubeconfig ${path} has no current context and the environment names none`, {
      hint: names.length
        ? `set kubernetes.context to one of: ${names.join(', ')}`
        : 'add a context to the kubeconfig (kubectl config set-context)',
      code: 'KUBE_CONTEXT',
    });
  }
  const ctx = kc.getContextObject(wanted);
  if (!ctx) {
    throw new UserError(`context "${wanted}" not found in kubeconfig ${path}`, {
      hint: names.length ? `known contexts: ${names.join(', ')}` : 'the kubeconfig holds no contexts',
      code: 'KUBE_CONTEXT',
    });
  }
  kc.setCurrentContext(wanted);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new UserError(`context "${wanted}" in ${path} names cluster "${ctx.cluster}", which has no server`, {
      hint: 'fix the clusters section of the kubeconfig',
      code: 'KUBE_CONTEXT',
    });
  }
  const requestOptions: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(requestOptions);
  } catch (e) {
    // client-node refuses plain-http servers without skipTLSVerify (kubectl proxy, a local test proxy);
    // authentication headers were already applied before that check, so only the agent is missing.
    if (!/HTTP protocol is not allowed/.test((e as Error).message)) {
      throw new UserError(`cannot authenticate with context "${wanted}": ${(e as Error).message}`, {
        hint: 'check the user entry of the context in the kubeconfig (token, certificate or exec plugin)',
        code: 'KUBE_AUTH',
        cause: e,
      });
    }
  }
  const { Agent } = cluster.server.startsWith('http:') ? await import('node:http') : await import('node:https');
  const tls = requestOptions;
  requestOptions.agent = new Agent({
    keepAlive: true,
    ...(cluster.server.startsWith('https:')
      ? {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          pfx: tls.pfx,
          passphrase: tls.passphrase,
          servername: tls.servername,
          rejectUnauthorized: tls.rejectUnauthorized,
        }
      : {}),
  });
  return { server: cluster.server.replace(/\/+$/, ''), context: wanted, kubeconfig: path, namespace: ctx.namespace, requestOptions };
}
