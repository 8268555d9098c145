/**
 * What every release verb starts from: the stack's names, the client, its namespace (refused when
 * fragctl did not make it, unless adopted on purpose) and its release history.
 */
import type { KubeClient } from '../../../providers/kube/client.js';
import type { KubeObject } from '../../../providers/kube/resources.js';
import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import { info } from '../../io.js';
import { connectKube, isManaged } from '../connect.js';
import { parseImageRef, type ContainerImageRef } from '../image.js';
import { namespaceManifest } from '../manifests.js';
import { operatorName, resolveStack, type KubeStack } from '../stack.js';
import { listReleases, type Release } from './record.js';

export interface OpenStack {
  stack: KubeStack;
  api: KubeClient;
  namespace?: KubeObject;
  /** The namespace exists but fragctl did not make it, and --adopt was given. */
  adopting: boolean;
  history: Release[];
}

export async function openStack(ctx: Context, o: { adopt?: boolean } = {}): Promise<OpenStack> {
  const stack = resolveStack(ctx.env);
  const api = await connectKube(ctx);
  const namespace = await api.get('Namespace', stack.namespace);
  const foreign = !!namespace && !isManaged(namespace);
  if (foreign && !o.adopt) {
    throw new UserError(`namespace ${stack.namespace} exists but was not made by fragctl (no label app.kubernetes.io/managed-by=fragctl)`, {
      hint: 'pass --adopt to deploy into it on purpose (recorded in the release), or choose another namespace (kubernetes.namespace)',
      code: 'KUBE_NAMESPACE_FOREIGN',
    });
  }
  const history = namespace && !foreign ? await listReleases(api, stack.namespace, stack.env) : [];
  return { stack, api, namespace, adopting: foreign, history };
}

/** Creates (or adopts) the namespace, labelled as fragctl's. */
export async function ensureNamespace(ctx: Context, s: OpenStack): Promise<void> {
  if (s.namespace && !s.adopting) return;
  if (s.adopting)
    info(ctx.io, 'kube.adopted', `adopting namespace ${s.stack.namespace} (--adopt): it is labelled as fragctl's from now on`, {
      namespace: s.stack.namespace,
    });
  await s.api.apply(
    namespaceManifest(s.stack, s.adopting ? `${operatorName(s.stack.settings)} at ${new Date().toISOString()}` : undefined),
  );
}

export function requireDeployed(s: OpenStack): Release {
  const last = [...s.history].reverse().find((r) => r.status === 'deployed') ?? s.history.at(-1);
  if (!last) {
    throw new UserError(`${s.stack.env} is not deployed: no release in namespace ${s.stack.namespace}`, {
      hint: `run fragctl ${s.stack.env} deploy first`,
      code: 'KUBE_NOT_DEPLOYED',
    });
  }
  return last;
}

/** The stack image of a release (undefined when it recorded none or an unreadable one). */
export function releaseImage(r: Release | undefined): ContainerImageRef | undefined {
  if (!r?.image) return undefined;
  try {
    return parseImageRef(r.image);
  } catch {
    return undefined;
  }
}
