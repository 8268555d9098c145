/**
 * `promote --build N --as VERSION`: the image tested as `latest-N` (or a release candidate) goes
 * to the environment without a rebuild. Through the registry's HTTP API its manifest is copied to
 * the version tag and to `stable`; the environment is pointed at the image's digest, so what runs
 * is byte for byte what was tested, whatever later happens to the tags.
 */
import { RegistryClient } from '../../providers/registry/client.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { info, warn } from '../io.js';
import { changeImage, deployedStack, type ChangeResult } from './change-image.js';
import { parseImageRef, type ImageRef } from './image.js';
import { resolveStack, type KubeStack } from './stack.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';

export const VERSION_RE = /^v?\d+\.\d+\.\d+(-rc\d+)?$/;

export interface PromoteOptions {
  build: string;
  as: string;
  timeoutMs?: number;
}

export interface PromoteResult extends ChangeResult {
  source: string;
  version: string;
  tags: string[];
}

export function buildTag(build: string): string {
  if (/^\d+$/.test(build)) return `latest-${build}`;
  if (/^latest-\d+$/.test(build) || (VERSION_RE.test(build) && build.includes('-rc'))) return build;
  throw new UserError(`--build ${build}: expected a build number (7 for latest-7) or a release-candidate tag (v1.2.0-rc1)`, { hint: 'fragctl promotes images the CI built and tagged latest-N', code: 'USAGE' });
}

/** The registry's API base URL: kubernetes.registry, else the image's registry host. */
export function registryUrl(stack: KubeStack, image: ImageRef): string {
  if (stack.registry) return /^https?:\/\//.test(stack.registry) ? stack.registry.replace(/\/+$/, '') : `https://${stack.registry}`;
  if (!image.host) {
    throw new UserError(`the image ${image.repository} names no registry host`, { hint: 'set kubernetes.registry (e.g. https://registry.example.com) or use a full image name', code: 'KUBE_SETTINGS' });
  }
  const local = /^(localhost|127\.|\[::1\])/.test(image.host);
  return `${local ? 'http' : 'https'}://${image.host}`;
}

export function checkVersion(version: string): void {
  if (!VERSION_RE.test(version)) {
    throw new UserError(`--as ${version}: not a version tag`, { hint: 'use MAJOR.MINOR.PATCH with an optional v and -rcN, e.g. v1.4.0 or 1.4.0-rc2', code: 'VERSION_TAG' });
  }
}

export async function promote(ctx: Context, o: PromoteOptions): Promise<PromoteResult> {
  checkVersion(o.as);
  const source = buildTag(o.build);
  const stack = resolveStack(ctx.env);
  if (!ctx.env.protected) warn(ctx.io, 'kube.promote.unprotected', `${ctx.env.name} is not protected: promote is meant for the production environment`);
  const repo = parseImageRef(stack.image);
  const base = registryUrl(stack, repo);
  const running = await deployedStack(ctx, stack);
  const user = process.env.FRAGCTL_REGISTRY_USER;
  const password = process.env.FRAGCTL_REGISTRY_PASSWORD;
  const registry = new RegistryClient(base, user && password ? { user, password } : undefined);
  const manifest = await registry.getManifest(repo.path, source);
  if (!manifest) {
    const builds = (await registry.listTags(repo.path)).filter((t) => /^latest-\d+$/.test(t)).sort((a, b) => Number(b.slice(7)) - Number(a.slice(7))).slice(0, 5);
    throw new UserError(`build ${o.build} not found: ${repo.repository} has no tag ${source}`, {
      hint: builds.length ? `recent builds: ${builds.join(', ')}` : 'the repository has no latest-N tags yet',
      code: 'BUILD_MISSING',
    });
  }
  if (await registry.digest(repo.path, o.as)) {
    throw new UserError(`version ${o.as} already exists in ${repo.repository}`, { hint: 'a version tag is never moved: choose the next version', code: 'VERSION_EXISTS' });
  }
  const digest = await registry.putManifest(repo.path, o.as, manifest);
  await registry.putManifest(repo.path, 'stable', manifest);
  info(ctx.io, 'kube.promote.tagged', `${repo.repository}:${source} (${digest}) tagged ${o.as} and stable`, { digest, source, version: o.as });
  const image: ImageRef = { ...repo, tag: undefined, digest };
  const result = await changeImage(ctx, stack, running.api, running, image, {
    verb: 'promote',
    restart: false,
    wait: true,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    note: `${source} as ${o.as}`,
  });
  return { ...result, tag: o.as, source, version: o.as, tags: [o.as, 'stable'] };
}
