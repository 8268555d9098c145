/**
 * `promote --build N --as VERSION`: the image tested as `latest-N` (or a release candidate) goes
 * to the environment without a rebuild. Through the registry's HTTP API its manifest is copied to
 * the version tag and to `stable`; the environment is pointed at the image's digest, so what runs
 * is byte for byte what was tested, whatever later happens to the tags. When CI builds into another
 * repository (kubernetes.build_image), the image is first copied there by digest (copy-image.ts).
 * Everything is verified before a tag moves; a rollout that fails is rolled back and `stable` is put back.
 */
import { RegistryClient } from '../../providers/registry/client.js';
import { copyImage, type Repo } from './copy-image.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { envSetting } from '../settings.js';
import { info, warn } from '../io.js';
import { OperationError } from '../errors.js';
import { touched } from './connect.js';
import { formatImage, parseImageRef, type ContainerImageRef } from './image.js';
import { releaseTemplates, renderChange } from './release/change.js';
import { planRendered, type PlanItem } from './plan.js';
import { openStack, requireDeployed } from './release/open.js';
import type { KubeStack } from './stack.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';

export const VERSION_RE = /^v?\d+\.\d+\.\d+(-rc\d+)?$/;

export interface PromoteOptions {
  build: string;
  as: string;
  timeoutMs?: number;
}

export interface PromoteResult {
  env: string;
  namespace: string;
  image: string;
  digest: string;
  revision: number;
  tag: string;
  plan: PromotePlan;
  source: string;
  version: string;
  tags: string[];
  /** --dry-run: the environment's objects rendered with the build's digest, through the server's dry run; no tag moved. */
  dryRun?: PlanItem[];
}

export function buildTag(build: string): string {
  if (/^\d+$/.test(build)) return `latest-${build}`;
  if (/^latest-\d+$/.test(build) || (VERSION_RE.test(build) && build.includes('-rc'))) return build;
  throw new UserError(`--build ${build}: expected a build number (7 for latest-7) or a release-candidate tag (v1.2.0-rc1)`, {
    hint: 'fragctl promotes images the CI built and tagged latest-N',
    code: 'USAGE',
  });
}

/** The registry's API base URL: kubernetes.registry, else the image's registry host. */
export function registryUrl(stack: KubeStack, image: ContainerImageRef): string {
  if (stack.registry) return /^https?:\/\//.test(stack.registry) ? stack.registry.replace(/\/+$/, '') : `https://${stack.registry}`;
  if (!image.host) {
    throw new UserError(`the image ${image.repository} names no registry host`, {
      hint: 'set kubernetes.registry (e.g. https://registry.example.com) or use a full image name',
      code: 'KUBE_SETTINGS',
    });
  }
  const local = /^(localhost|127\.|\[::1\])/.test(image.host);
  return `${local ? 'http' : 'https'}://${image.host}`;
}

function targetRegistry(stack: KubeStack, repo: ContainerImageRef): RegistryClient {
  const user = envSetting('registryUser');
  const password = envSetting('registryPassword');
  return new RegistryClient(registryUrl(stack, repo), user && password ? { user, password } : undefined);
}

/**
 * The repository CI pushes builds to: kubernetes.build_image, else the environment's own image.
 * A build registry on another host gets FRAGCTL_BUILD_REGISTRY_USER/PASSWORD when set, else the
 * production registry's credentials.
 */
function buildRepo(stack: KubeStack, repo: ContainerImageRef, registry: RegistryClient): Repo {
  const setting = stack.settings.build_image;
  if (!setting) return { client: registry, path: repo.path, name: repo.repository };
  const ref = parseImageRef(setting, 'kubernetes.build_image');
  if (ref.tag || ref.digest) {
    throw new UserError(`kubernetes.build_image names a tag or digest (${setting})`, {
      hint: 'give the repository only, e.g. registry.example.com/builds/shop: --build picks the tag',
      code: 'KUBE_SETTINGS',
    });
  }
  const url = registryUrl(
    { ...stack, registry: stack.settings.build_registry ?? (ref.host === repo.host ? stack.registry : undefined) },
    ref,
  );
  if (url === registry.baseUrl) return { client: registry, path: ref.path, name: ref.repository };
  const user = envSetting('buildRegistryUser') ?? envSetting('registryUser');
  const password = envSetting('buildRegistryPassword') ?? envSetting('registryPassword');
  const client = new RegistryClient(
    url,
    user && password ? { user, password } : undefined,
    'FRAGCTL_BUILD_REGISTRY_USER and FRAGCTL_BUILD_REGISTRY_PASSWORD',
  );
  return { client, path: ref.path, name: ref.repository };
}

export function checkVersion(version: string): void {
  if (!VERSION_RE.test(version)) {
    throw new UserError(`--as ${version}: not a version tag`, {
      hint: 'use MAJOR.MINOR.PATCH with an optional v and -rcN, e.g. v1.4.0 or 1.4.0-rc2',
      code: 'VERSION_TAG',
    });
  }
}

export interface PromotePlan {
  source: string;
  digest: string;
  /** Where each tag that moves points now (undefined: the tag is new). */
  moves: Array<{ tag: string; from?: string; to: string }>;
}

export async function promote(ctx: Context, o: PromoteOptions): Promise<PromoteResult> {
  checkVersion(o.as);
  const source = buildTag(o.build);
  if (!ctx.env.protected)
    warn(ctx.io, 'kube.promote.unprotected', `${ctx.env.name} is not protected: promote is meant for the production environment`);
  const s = await openStack(ctx);
  const { stack } = s;
  const repo = parseImageRef(stack.image);
  const registry = targetRegistry(stack, repo);
  const build = buildRepo(stack, repo, registry);
  requireDeployed(s);
  // Verify everything before moving anything.
  const manifest = await build.client.getManifest(build.path, source);
  if (!manifest) {
    const builds = (await build.client.listTags(build.path))
      .filter((t) => /^latest-\d+$/.test(t))
      .sort((a, b) => Number(b.slice(7)) - Number(a.slice(7)))
      .slice(0, 5);
    throw new UserError(`build ${o.build} not found: ${build.name} has no tag ${source}`, {
      hint: builds.length ? `recent builds: ${builds.join(', ')}` : 'the repository has no latest-N tags yet',
      code: 'BUILD_MISSING',
    });
  }
  if (await registry.digest(repo.path, o.as)) {
    throw new UserError(`version ${o.as} already exists in ${repo.repository}`, {
      hint: 'a version tag is never moved: choose the next version',
      code: 'VERSION_EXISTS',
    });
  }
  const stable = await registry.getManifest(repo.path, 'stable');
  const plan: PromotePlan = {
    source,
    digest: manifest.digest,
    moves: [
      { tag: 'stable', from: stable?.digest, to: manifest.digest },
      { tag: o.as, to: manifest.digest },
    ],
  };
  info(
    ctx.io,
    'kube.promote.plan',
    `${build.name}:${source} is ${manifest.digest}; stable moves from ${stable?.digest ?? '(none)'}; ${o.as} is free`,
    { ...plan },
  );
  if (ctx.options.dryRun) {
    // Verified as above; nothing copied, no tag moved, nothing applied.
    const image: ContainerImageRef = { ...repo, tag: undefined, digest: manifest.digest };
    const rendered = await renderChange(ctx, s, { image });
    return {
      env: stack.env,
      namespace: stack.namespace,
      image: formatImage(image),
      digest: manifest.digest,
      revision: s.history.at(-1)?.version ?? 0,
      source,
      version: o.as,
      tag: o.as,
      tags: [],
      plan,
      dryRun: await planRendered(ctx, s, rendered.manifests),
    };
  }
  if (build.name !== repo.repository) {
    const copied = await copyImage(build, { client: registry, path: repo.path, name: repo.repository }, manifest);
    info(
      ctx.io,
      'kube.promote.copied',
      `${build.name}:${source} copied to ${repo.repository}@${copied.digest} (${copied.manifests} manifest(s); blobs: ${copied.blobs.mounted} mounted, ${copied.blobs.uploaded} uploaded, ${copied.blobs.present} already there)`,
      { ...copied, from: build.name, to: repo.repository },
    );
  }
  // A `stable` that exists moves now and is put back if the rollout fails. One that does not exist
  // yet is written only after success: a registry cannot delete a tag without deleting the
  // manifest, and so every other tag of the build (latest-N) with it.
  const digest = stable ? await registry.putManifest(repo.path, 'stable', manifest) : manifest.digest;
  const image: ContainerImageRef = { ...repo, tag: undefined, digest };
  let out;
  try {
    out = await releaseTemplates(ctx, s, {
      verb: 'promote',
      image,
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      atomic: true,
      note: `${source} as ${o.as}`,
    });
  } catch (e) {
    const restored = stable ? `stable points at ${stable.digest} again` : 'stable was not created (it did not exist before)';
    if (stable) await registry.putManifest(repo.path, 'stable', stable);
    throw new OperationError(`promotion of ${source} as ${o.as} failed; ${restored}, ${o.as} was not created: ${(e as Error).message}`, {
      hint: `fragctl ${stack.env} history shows the releases; fix the build and promote the next one`,
      code: 'PROMOTE_FAILED',
    });
  }
  // The version tag is written once production runs the build: a registry cannot take back a tag
  // that shares its manifest with latest-N without deleting both.
  await registry.putManifest(repo.path, o.as, manifest);
  if (!stable) await registry.putManifest(repo.path, 'stable', manifest);
  info(ctx.io, 'kube.promote.tagged', `${build.name}:${source} (${digest}) in ${repo.repository} tagged ${o.as} and stable`, {
    digest,
    source,
    version: o.as,
  });
  touched(ctx, s.api, { platform: 'kubernetes', namespace: stack.namespace, revision: out.release.version });
  return {
    env: stack.env,
    namespace: stack.namespace,
    image: formatImage(image),
    digest,
    revision: out.release.version,
    source,
    version: o.as,
    tag: o.as,
    tags: [o.as, 'stable'],
    plan,
  };
}
