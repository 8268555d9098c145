/**
 * The completion scripts, run in the shells they are for: bash for real (COMP_WORDS and
 * COMPREPLY), zsh through bashcompinit as zsh calls it (sh emulation; zsh filters by prefix
 * itself), fish with `complete -C`. Environment names come from environments/ at Tab time.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl } from '../../helpers/cli.js';

const scripts: Record<string, string> = {};
let dir: string;

before(async () => {
  dir = copyProject();
  const out = mkdtempSync(join(tmpdir(), 'fragctl-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await fragctl(['completion', shell]);
    assert.equal(r.code, 0, r.stderr);
    scripts[shell] = join(out, `fragctl.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
});

function bash(words: string[], cwd = dir): string[] {
  const line = `source ${scripts.bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _fragctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash: environments and global verbs first, then the env verbs, then options of that verb', () => {
  assert.deepEqual(bash(['fragctl', 'st']), ['staging']);
  assert.deepEqual(bash(['fragctl', 'r']), ['runs']);
  assert.ok(bash(['fragctl', '']).includes('production'));
  assert.deepEqual(bash(['fragctl', 'staging', 'hi']), ['history']);
  assert.deepEqual(bash(['fragctl', 'staging', 'do']), ['doctor']);
  assert.deepEqual(bash(['fragctl', 'staging', 'doctor', '--f']), ['--fix']);
  assert.deepEqual(bash(['fragctl', 'staging', 'plan', '--an']), ['--ansible-check']);
  assert.deepEqual(bash(['fragctl', '--json', 'staging', 'history', '--li']), ['--limit']);
  assert.deepEqual(bash(['fragctl', 'staging', 'lock', 're']), ['release']);
  assert.deepEqual(bash(['fragctl', 'completion', 'f']), ['fish']);
  assert.deepEqual(bash(['fragctl', '--yes', '--region', 'eu-west-1', 'pro']), ['production']);
});

test('bash: environment names are read at completion time, from --project-dir when given', () => {
  writeFileSync(join(dir, 'environments', 'qa-2.yml'), 'platform: aws\n');
  assert.deepEqual(bash(['fragctl', 'qa']), ['qa-2']);
  const empty = mkdtempSync(join(tmpdir(), 'fragctl-empty-'));
  assert.deepEqual(bash(['fragctl', 'qa'], empty), []);
  assert.deepEqual(bash(['fragctl', '--project-dir', dir, 'qa'], empty), ['qa-2']);
});

test('zsh: the same function through bashcompinit offers the candidates', () => {
  const line = `source ${scripts.zsh}; emulate sh -c 'COMP_WORDS=(fragctl staging history --li); COMP_CWORD=3; _fragctl; printf "%s\\n" "\${COMPREPLY[@]}"; COMP_WORDS=(fragctl st); COMP_CWORD=1; _fragctl; printf "%s\\n" "\${COMPREPLY[@]}"'`;
  const r = spawnSync('zsh', ['-f', '-c', line], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.split('\n');
  assert.ok(out.includes('--limit') && out.includes('staging') && out.includes('envs'), r.stdout);
  assert.match(readFileSync(scripts.zsh!, 'utf8'), /^#compdef fragctl/);
});

test('fish: complete -C gives environments, verbs and options', () => {
  const run = (cmdline: string): string[] => {
    const r = spawnSync('fish', ['-N', '-c', `source ${scripts.fish}; complete -C '${cmdline}'`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);
  };
  assert.deepEqual(run('fragctl stag'), ['staging']);
  assert.ok(run('fragctl staging ').includes('doctor'));
  assert.ok(run('fragctl staging history --').includes('--limit'));
  assert.deepEqual(run('fragctl completion z'), ['zsh']);
});

test('an unknown shell is a usage error', async () => {
  const r = await fragctl(['completion', 'powershell']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no completion for shell "powershell"/);
});
