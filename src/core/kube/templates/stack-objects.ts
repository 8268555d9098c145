/**
 * The stack's objects for one run: every template of the ops project's `kubernetes/` folder
 * rendered, checked and ordered. Kinds beyond fragctl's table are looked up on the server, so a
 * kind it does not serve is refused before anything is applied.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../../../providers/kube/client.js';
import { discoverKinds } from '../../../providers/kube/discovery.js';
import { kindInfo, registerKind } from '../../../providers/kube/resources.js';
import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import type { Manifest } from '../manifests.js';
import type { KubeStack } from '../stack.js';
import { applyOrder, finishManifests, parseDocuments, type SourcedManifest } from './documents.js';
import { renderTemplate, type TemplateVars } from './render.js';
import { vaultLookup } from './variables.js';

export const TEMPLATE_DIR = 'kubernetes';

export function templateDir(ctx: Pick<Context, 'project'>): string {
  return join(ctx.project.paths.dir, TEMPLATE_DIR);
}

export function templateFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Renders one template file (path relative to the project) to its documents. */
export async function renderFile(ctx: Pick<Context, 'project' | 'options'>, rel: string, vars: TemplateVars): Promise<SourcedManifest[]> {
  const text = readFileSync(join(ctx.project.paths.dir, rel), 'utf8');
  const rendered = await renderTemplate(text, rel, { ...vars }, vaultLookup(ctx));
  return parseDocuments(rendered, rel);
}

/** Refuses kinds the server does not serve (CRDs of the same set count as served). */
export async function checkKinds(api: KubeClient, docs: SourcedManifest[]): Promise<void> {
  for (const { manifest: m } of docs) {
    if (m.kind !== 'CustomResourceDefinition') continue;
    const spec = m.spec as
      { group?: string; names?: { kind?: string; plural?: string }; scope?: string; versions?: Array<{ name: string }> } | undefined;
    for (const v of spec?.versions ?? []) {
      if (spec?.names?.kind && spec.names.plural)
        registerKind(spec.names.kind, {
          apiVersion: `${spec.group}/${v.name}`,
          plural: spec.names.plural,
          namespaced: spec.scope !== 'Cluster',
        });
    }
  }
  const unknown = await discoverKinds(
    api,
    docs.map((d) => ({ apiVersion: d.manifest.apiVersion, kind: d.manifest.kind })),
  );
  if (unknown.length) {
    const u = unknown[0]!;
    const file = docs.find((d) => d.manifest.kind === u.kind && d.manifest.apiVersion === u.apiVersion)?.file;
    throw new UserError(`${file}: the cluster does not know kind ${u.kind} (apiVersion ${u.apiVersion})`, {
      hint: `check apiVersion and kind (kubectl api-resources lists what the cluster serves); a custom resource needs its CustomResourceDefinition installed first`,
      code: 'KUBE_UNKNOWN_KIND',
    });
  }
}

export async function renderStack(ctx: Context, api: KubeClient, stack: KubeStack, vars: TemplateVars): Promise<Manifest[]> {
  const dir = templateDir(ctx);
  const files = templateFiles(dir);
  if (!files.length) {
    throw new UserError(`no Kubernetes templates: ${TEMPLATE_DIR}/*.yaml is empty or missing in ${ctx.project.paths.dir}`, {
      hint: "put the stack's manifests in kubernetes/ as YAML templates (see the reference project's kubernetes/ folder)",
      code: 'KUBE_TEMPLATES_MISSING',
    });
  }
  const docs: SourcedManifest[] = [];
  for (const f of files) docs.push(...(await renderFile(ctx, `${TEMPLATE_DIR}/${f}`, vars)));
  await checkKinds(api, docs);
  return applyOrder(finishManifests(docs, stack, (kind) => kindInfo(kind)?.namespaced ?? true));
}
