/**
 * A release made from the templates (deploy, version-change, promote): render with the run's
 * image, keep each workload's restart annotation (or set a new one for the workloads restarted),
 * then create the namespace and generated secrets and run the release.
 */
import type { Context } from '../../context.js';
import { formatImage, type ContainerImageRef } from '../image.js';
import type { Manifest } from '../manifests.js';
import { preflight } from '../preflight.js';
import { ensureSecrets, generatedSecrets } from '../secrets.js';
import { renderStack } from '../templates/stack-objects.js';
import { stackVars } from '../templates/variables.js';
import { changedSince, keepRestarts, withRestart } from './apply.js';
import { ensureNamespace, type OpenStack } from './open.js';
import { settingsHash } from './record.js';
import { runRelease, type ReleaseOutcome } from './run.js';

export interface TemplateChange {
  verb: string;
  image: ContainerImageRef;
  /** Workloads to restart like `kubectl rollout restart`: names, or every Deployment and StatefulSet. */
  restart?: string[] | 'all';
  timeoutMs: number;
  wait?: boolean;
  atomic?: boolean;
  note?: string;
  /** --force-conflicts: take fields another field manager owns. */
  force?: boolean;
  /** The registry's digest for the image's tag, when it was checked. */
  registryDigest?: string;
  /**
   * On top of a deployed release, send only the objects that changed (a version change touches
   * the restarted workloads and little else); the release still records every object.
   */
  onlyChanged?: boolean;
}

export interface Rendered {
  manifests: Manifest[];
  hash: string;
  restartedAt?: string;
  restarted: string[];
}

export async function renderChange(ctx: Context, s: OpenStack, c: Pick<TemplateChange, 'image' | 'restart'>): Promise<Rendered> {
  const vars = stackVars(ctx, s.stack, c.image);
  const hash = settingsHash(vars);
  let manifests = keepRestarts(await renderStack(ctx, s.api, s.stack, vars), s.history.at(-1)?.manifests ?? []);
  const restarted: string[] = [];
  let restartedAt: string | undefined;
  if (c.restart) {
    restartedAt = new Date().toISOString();
    const wanted = (m: Manifest) =>
      c.restart === 'all'
        ? ['Deployment', 'StatefulSet'].includes(m.kind)
        : c.restart!.includes(m.metadata.name) && ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind);
    manifests = manifests.map((m) => {
      if (!wanted(m)) return m;
      restarted.push(`${m.kind}/${m.metadata.name}`);
      return withRestart(m, restartedAt!);
    });
  }
  return { manifests, hash, restartedAt, restarted };
}

export async function releaseTemplates(
  ctx: Context,
  s: OpenStack,
  c: TemplateChange,
  rendered?: Rendered,
): Promise<ReleaseOutcome & { rendered: Rendered; secretsCreated: string[] }> {
  const r = rendered ?? (await renderChange(ctx, s, c));
  const last = s.history.at(-1);
  const partial = !!c.onlyChanged && last?.status === 'deployed' && !s.adopting;
  const send = partial ? changedSince(r.manifests, last.manifests) : r.manifests;
  // A deployed last release means the namespace and generated secrets exist already.
  if (!partial) await ensureNamespace(ctx, s);
  // Nothing is created (generated secrets included) before every object passed the dry run; a
  // single object needs none: its apply is all-or-nothing by itself.
  if (send.length > 1) await preflight(s.api, send, { force: c.force, namespaceExists: true });
  const secretsCreated = partial ? [] : await ensureSecrets(s.api, s.stack, generatedSecrets(ctx.env.settings));
  const outcome = await runRelease(ctx, s.api, s.stack, s.history, {
    verb: c.verb,
    manifests: r.manifests,
    settingsHash: r.hash,
    image: formatImage(c.image),
    timeoutMs: c.timeoutMs,
    wait: c.wait,
    atomic: c.atomic,
    note: c.note,
    adopted: s.adopting,
    force: c.force,
    checked: true,
    registryDigest: c.registryDigest,
    send,
  });
  return { ...outcome, rendered: r, secretsCreated };
}
