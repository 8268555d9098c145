/**
 * The spinner under a real pseudo-terminal (util-linux `script`): a step that ends before ora is
 * loaded leaves no spinner behind, and the process exits by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ROOT, TSX } from '../../helpers/cli.js';

const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

test('quick steps leave no spinner and the process exits (pseudo-terminal)', async () => {
  // `script` without a terminal of its own gives the pseudo-terminal 0 columns: set a size first.
  const cmd = `stty cols 100 rows 30; ${process.execPath} --import ${TSX} ${join(ROOT, 'test', 'fixtures', 'spinner-step.ts')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete env.CI;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const started = Date.now();
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, 15_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? -1);
    });
  });
  assert.equal(code, 0, `the process did not exit by itself:\n${out.slice(0, 2000)}`);
  assert.match(out, /interactive=true/); // it really ran on a terminal
  const clean = stripVTControlCharacters(out);
  assert.match(clean, /quick step done/);
  assert.match(clean, /quick step failed/);
  assert.match(clean, /slow step done/);
  // the slow step drew a spinner (the check below can fail); nothing spins after the quick steps
  assert.match(out, SPINNER_FRAMES);
  const quick = clean.slice(0, clean.indexOf('quick step failed'));
  assert.doesNotMatch(quick, SPINNER_FRAMES);
  assert.doesNotMatch(clean, /quick step(?! done| failed)/);
  assert.ok(Date.now() - started < 15_000);
});
