/**
 * The test hosts' bytecode cache for modules imported from a zip (test/helpers/pyc/sitecustomize.py),
 * as Ansible's AnsiballZ payloads are: the first import compiles and keeps the code, a later one from
 * another zip reads it back, and a traceback still names the zip it ran from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';

const PYTHON = join(ROOT, '.venv', 'bin', 'python3');
const SITE = join(ROOT, 'test', 'helpers', 'pyc');
const MODULE = 'def fails():\n    def inner():\n        raise ValueError("from the zip")\n    inner()\n\nANSWER = 42\n';

/** A zip holding util.py, then a Python that imports it from there and calls `call`. */
function runFromZip(dir: string, name: string, cache: string | undefined, call: string) {
  const zip = join(dir, `${name}.zip`);
  execFileSync(PYTHON, [
    '-c',
    `import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('util.py', sys.argv[2])`,
    zip,
    MODULE,
  ]);
  const env: Record<string, string | undefined> = { ...process.env, PYTHONPATH: SITE, FRAGCTL_TEST_PYC_DIR: cache };
  if (cache === undefined) delete env.FRAGCTL_TEST_PYC_DIR;
  return spawnSync(PYTHON, ['-c', `import sys; sys.path.insert(0, sys.argv[1]); import util; ${call}`, zip], { env, encoding: 'utf8' });
}

test('a module imported from a zip is compiled once, read back from another zip, and keeps its own file name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-pyc-'));
  try {
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const first = runFromZip(dir, 'first', cache, 'print(util.ANSWER)');
    assert.equal(first.stdout.trim(), '42', first.stderr);
    const kept = readdirSync(cache);
    assert.equal(kept.length, 1, `one cached module: ${kept.join(', ')}`);

    // What a later import runs is what the cache holds: plant code that answers 7 in its place.
    const planted = join(cache, kept[0]!);
    execFileSync(PYTHON, [
      '-c',
      'import marshal,sys\nopen(sys.argv[1], "wb").write(marshal.dumps(compile(sys.argv[2], "x", "exec")))',
      planted,
      MODULE.replace('42', '7'),
    ]);
    const second = runFromZip(dir, 'second', cache, 'print(util.ANSWER)');
    assert.equal(second.stdout.trim(), '7', `read back, not compiled again: ${second.stderr}`);

    const third = runFromZip(dir, 'third', cache, 'util.fails()');
    assert.notEqual(third.status, 0);
    assert.match(third.stderr, /third\.zip[/\\]util\.py", line 3, in inner/, 'the traceback names the zip it ran from');
    assert.match(third.stderr, /ValueError: from the zip/);

    const off = runFromZip(dir, 'fourth', undefined, 'print(util.ANSWER)');
    assert.equal(off.stdout.trim(), '42', `without FRAGCTL_TEST_PYC_DIR nothing is cached: ${off.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with the folder set, a fork first freezes the parent's objects (gc.freeze); without it, not", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-pyc-'));
  try {
    // The child reports how many objects the collector no longer walks.
    const script =
      'import gc, os, sys\npid = os.fork()\nif pid == 0:\n    print(gc.get_freeze_count()); sys.stdout.flush(); os._exit(0)\nos.waitpid(pid, 0)';
    const frozen = (cache: string | undefined) => {
      const env: Record<string, string | undefined> = { ...process.env, PYTHONPATH: SITE, FRAGCTL_TEST_PYC_DIR: cache };
      if (cache === undefined) delete env.FRAGCTL_TEST_PYC_DIR;
      const r = spawnSync(PYTHON, ['-c', script], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout.trim());
    };
    assert.ok(frozen(dir) > 1000, 'the forked child sees the parent frozen');
    assert.equal(frozen(undefined), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Ansible's programs keep what PyYAML's plain loaders read from a large document; others, and other loaders, do not", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-pyc-'));
  try {
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const doc = join(dir, 'doc.yml');
    writeFileSync(doc, `answer: 42\n${Array.from({ length: 400 }, (_, i) => `key${i}: value ${i}`).join('\n')}\n`);
    // The same probe under two names: only one whose name starts with "ansible" is one of Ansible's programs.
    const probe = (name: string, loader: string) => {
      const script = join(dir, name);
      writeFileSync(
        script,
        `import sys, yaml\nwith open(sys.argv[1], 'rb') as f:\n    print(yaml.load(f, Loader=yaml.${loader})['answer'])\n`,
      );
      const r = spawnSync(PYTHON, [script, doc], {
        env: { ...process.env, PYTHONPATH: SITE, FRAGCTL_TEST_PYC_DIR: cache },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const kept = () => readdirSync(cache).filter((f) => f.endsWith('.yaml.pickle'));

    assert.equal(probe('not-ansible', 'CSafeLoader'), '42');
    assert.deepEqual(kept(), [], 'another program: nothing kept');
    assert.equal(probe('ansible-probe', 'FullLoader'), '42');
    assert.deepEqual(kept(), [], 'a loader that is not a plain one: nothing kept');
    assert.equal(probe('ansible-probe', 'CSafeLoader'), '42');
    assert.equal(kept().length, 1, 'a plain loader in an Ansible program: kept');

    // What a later load returns is what the cache holds: plant data that answers 7 in its place.
    execFileSync(PYTHON, ['-c', 'import pickle,sys\npickle.dump({"answer": 7}, open(sys.argv[1], "wb"))', join(cache, kept()[0]!)]);
    assert.equal(probe('ansible-probe', 'CSafeLoader'), '7', 'read back, not parsed again');
    assert.equal(probe('ansible-probe', 'CBaseLoader'), '42', 'another loader is another key');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
