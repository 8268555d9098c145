import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitArgv, setGlobalWords } from '../../../src/cli/argv.js';
import { handleError } from '../../../src/cli/handle-error.js';
import { OperationError, UserError } from '../../../src/core/errors.js';

setGlobalWords(['envs', 'runs', 'completion']);

test('global options may stand before the environment, value options keep their values', () => {
  const s = splitArgv(['--project-dir', '/x', '--json', 'staging', 'deploy', '--roles', 'app']);
  assert.deepEqual(s.words, ['staging', 'deploy']);
  assert.deepEqual(s.rest, ['--project-dir', '/x', '--json', '--roles', 'app']);
});

test('a global verb takes no environment; its arguments stay for its own parser', () => {
  const s = splitArgv(['completion', 'bash']);
  assert.deepEqual(s.words, ['completion']);
  assert.deepEqual(s.rest, ['bash']);
});

test('positional arguments after the verb are passed on', () => {
  const s = splitArgv(['staging', 'run', 'pull', '--yes']);
  assert.deepEqual(s.words, ['staging', 'run']);
  assert.deepEqual(s.rest, ['pull', '--yes']);
});

test('--help and --version are noticed wherever they are', () => {
  assert.equal(splitArgv(['deploy', '--help']).help, true);
  assert.equal(splitArgv(['--version']).version, true);
});

function captureStderr(fn: () => number): { code: number; text: string } {
  const write = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: fn(), text };
  } finally {
    process.stderr.write = write;
  }
}

test('a user error is one line, its details and a hint, without a stack', () => {
  const { code, text } = captureStderr(() =>
    handleError(new UserError('bad thing', { hint: 'do this', details: ['more'], code: 'USAGE' }), { json: false, verbose: false }),
  );
  assert.equal(code, 2);
  assert.equal(text, 'error: bad thing\n       more\nhint:  do this\n');
});

test('an error without a hint of its own still ends with one, in text and in --json', () => {
  const err = new OperationError('AWS said no', { code: 'AWS_ERROR' });
  const text = captureStderr(() => handleError(err, { json: false, verbose: false })).text;
  assert.equal(text, 'error: AWS said no\nhint:  run again with -v for the full error\n');
  let stdout = '';
  const out = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true } };
  handleError(err, { json: true, verbose: false }, out as never);
  assert.equal((JSON.parse(stdout) as { error: { hint: unknown } }).error.hint, 'run again with -v for the full error');
});

test('a bug prints its stack and asks for a report', () => {
  const { code, text } = captureStderr(() => handleError(new TypeError('x is undefined'), { json: false, verbose: false }));
  assert.equal(code, 1);
  assert.match(text, /fragctl crashed: x is undefined/);
  assert.match(text, /\n\s+at /);
  assert.match(text, /This is a bug in fragctl\. Please report it/);
});
