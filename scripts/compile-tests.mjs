// Compiles src/, bin/ and test/ to plain JavaScript for one run of scripts/run-tests.mjs, so that each
// test file's process (and each CLI child a test starts) runs on plain node instead of loading through
// tsx's loader thread. esbuild only strips the types, file by file
// (the layout and the imports stay as they are); type errors are `npm run check`'s business.
//
// The output lives under node_modules/.cache (packages resolve from there as from the sources) in a
// folder of the run's own, removed at its end. `import.meta.dirname`, `.filename` and `.url` are
// replaced by the source file's, so paths a file builds from its own place (fixtures, the repository
// root, package.json) point into the repository as before. Stack traces map back to the .ts sources
// (inline source maps, `--enable-source-maps`).
import { build, transform, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folders compiled; test/fixtures holds inputs for the CLI, copied or read as they are. */
const PARTS = ['src', 'bin', 'test'];
const SKIP = new Set([join('test', 'fixtures')]);
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The heavy packages the copies import from one bundle of their ES module builds instead (see
 * `bundleDeps`): the AWS SDK's clients and the Kubernetes client, by their exact specifiers.
 */
const PACKAGE = String.raw`@aws-sdk\/client-[a-z0-9-]+|@kubernetes\/client-node`;
const BUNDLED = new RegExp(String.raw`(['"])(${PACKAGE})\1`, 'g');

/**
 * Compiles the repository at `root` into a fresh folder; returns it with `toBuilt` (a source .ts path
 * to its compiled .js) and `remove`. node:test reports the .ts paths already (through the source maps).
 */
export async function compileTests(root) {
  const cache = join(root, 'node_modules', '.cache', 'fragctl-tests');
  mkdirSync(cache, { recursive: true });
  removeStale(cache);
  const out = mkdtempSync(join(cache, 'run-'));
  const sources = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (SKIP.has(relative(root, path))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) sources.push(path);
    }
  };
  for (const part of PARTS) walk(join(root, part));
  const toBuilt = (file) => join(out, relative(root, file)).replace(/\.ts$/, '.js');
  const texts = new Map(sources.map((file) => [file, readFileSync(file, 'utf8')]));
  const deps = await bundleDeps(root, cache, importedNames([...texts.values()]));
  const results = await Promise.allSettled(
    sources.map(async (file) => {
      const { code } = await transform(texts.get(file), {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: file,
        sourcemap: 'inline',
        sourcesContent: false,
        define: {
          'import.meta.dirname': JSON.stringify(dirname(file)),
          'import.meta.filename': JSON.stringify(file),
          'import.meta.url': JSON.stringify(pathToFileURL(file).href),
        },
      });
      const target = toBuilt(file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(
        target,
        code.replace(BUNDLED, (_, quote, name) => `${quote}${deps.get(name)}${quote}`),
      );
    }),
  );
  // Files esbuild cannot read (syntax errors): where and why, and nothing left behind.
  const errors = results.flatMap((r) => (r.status === 'rejected' ? (r.reason.errors ?? [{ text: r.reason.message }]) : []));
  if (errors.length) {
    rmSync(out, { recursive: true, force: true });
    const at = (l) => (l ? `${relative(root, l.file)}:${l.line}:${l.column + 1}: ` : '');
    throw new Error(`cannot compile ${errors.map((m) => `${at(m.location)}${m.text}`).join('; ')}`);
  }
  // The copies are ES modules. Under node_modules Node finds no package.json of the repository's for
  // them: this one says so, and they load with syntax detection off (NODE_OPTIONS in run-tests.mjs).
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  return { dir: out, toBuilt, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** Folders left by runs that were killed before their end (a day old or more). */
function removeStale(cache) {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

/** A static `import { … } from 'pkg'` (not `import type`), or `const { … } = await import('pkg')`. */
const NAMED = new RegExp(
  String.raw`(?:import\s*\{([^}]*)\}\s*from\s*|const\s*\{([^}]*)\}\s*=\s*await\s+import\(\s*)(['"])(${PACKAGE})\3`,
  'g',
);
/** `(await import('pkg')).Name`. */
const MEMBER = new RegExp(String.raw`\(\s*await\s+import\(\s*(['"])(${PACKAGE})\1\s*\)\s*\)\.([A-Za-z_$][\w$]*)`, 'g');
/** Type-only uses, which the compiled copies do not import. */
const TYPE_ONLY = new RegExp(String.raw`(?:import\s+type\s*\{[^}]*\}\s*from\s*|typeof\s+import\(\s*)(['"])(${PACKAGE})\1`, 'g');

/**
 * What the sources import from each bundled package: the names, or `*` when a file takes it whole
 * (a namespace or default import, a dynamic import not destructured at once). Types are left out.
 */
function importedNames(texts) {
  const names = new Map();
  const add = (name, spec) => {
    const list = names.get(name) ?? new Set();
    names.set(name, list);
    if (spec && !spec.startsWith('type ')) list.add(spec.split(/\s+as\s+|\s*:\s*/)[0]);
  };
  for (const text of texts) {
    const named = [...text.matchAll(NAMED)];
    const members = [...text.matchAll(MEMBER)];
    for (const m of named) for (const spec of (m[1] ?? m[2]).split(',')) add(m[4], spec.trim());
    for (const m of members) add(m[2], m[3]);
    const known = named.length + members.length + [...text.matchAll(TYPE_ONLY)].length;
    if ([...text.matchAll(BUNDLED)].length > known) for (const m of text.matchAll(BUNDLED)) add(m[2], '*');
  }
  return new Map([...names].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => [name, [...list].sort()]));
}

/**
 * One ES module bundle of what the sources import from the packages in `names` (the AWS SDK's clients,
 * the Kubernetes client: package name to the names imported), split into shared chunks so that every
 * client shares one copy of the SDK's core, as they do from node_modules. Returns each package's entry
 * file URL. Built from the packages' ES module builds (the SDK's as the shipped dist/fragctl.js
 * bundles them, scripts/build.mjs), keeping only the names imported, as the shipped bundle does: an EC2
 * client with its 14 commands, not its 700. From node_modules each is hundreds of files, resolved,
 * read and compiled one by one (the SDK's CommonJS files also scanned for their exports); bundled,
 * all the SDK clients load in about a quarter of the CPU, the Kubernetes client in about a sixth. A
 * name left out fails loudly: the importing file does not load. Kept beside the runs' copies, keyed
 * by package-lock.json, esbuild and the names: built once, then reused by every run until they change.
 */
async function bundleDeps(root, cache, names) {
  const key = createHash('sha256')
    .update(JSON.stringify({ lock: readFileSync(join(root, 'package-lock.json'), 'utf8'), esbuildVersion, names: [...names] }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cache, `deps-${key}`);
  const file = (name) => `${name.replace('/', '__')}.js`;
  const urls = new Map([...names.keys()].map((name) => [name, pathToFileURL(join(dir, file(name))).href]));
  if (existsSync(dir)) {
    const now = new Date();
    utimesSync(dir, now, now); // in use: not stale (removeStale)
    return urls;
  }
  const tmp = mkdtempSync(join(cache, 'deps-tmp-'));
  // The entries sit under node_modules/.cache, so the packages resolve from the repository's node_modules.
  const entries = join(tmp, 'entries');
  mkdirSync(entries);
  const entryPoints = [...names].map(([name, list]) => {
    const entry = join(entries, file(name));
    writeFileSync(entry, list.includes('*') ? `export * from '${name}';\n` : `export { ${list.join(', ')} } from '${name}';\n`);
    return { in: entry, out: file(name).replace(/\.js$/, '') };
  });
  await build({
    entryPoints,
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: tmp,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __fragctlRequire } from 'node:module'; const require = __fragctlRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  rmSync(entries, { recursive: true, force: true });
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
  return urls;
}
