/** The shipping bundle (as scripts/build.mjs makes it), built fresh into a private folder so that benchmarks time today's code. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const outdir = mkdtempSync(join(ROOT, 'node_modules', '.fragctl-bench-'));
  await build({
    entryPoints: { fragctl: join(ROOT, 'bin', 'fragctl.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    external: ['@aws-sdk/*', '@smithy/*', '@kubernetes/*'],
    banner: { js: "import { createRequire as __fragctlRequire } from 'node:module'; const require = __fragctlRequire(import.meta.url);" },
    alias: { 'js-yaml': join(ROOT, 'node_modules', 'js-yaml', 'index.js') },
    logLevel: 'warning',
  });
  return join(outdir, 'fragctl.js');
}
