/**
 * Every fragctl command line the documentation shows (README.md and docs/*.md: code blocks, and
 * inline code that starts with `fragctl `) is parsed by the real verb definitions, as main() parses
 * them: the verb exists (for the environment's platform when the environment is a known one), and
 * commander accepts every option, option value and argument.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ROOT } from '../../helpers/cli.js';
import { addGlobalOptions } from '../../../src/cli/main.js';
import { VERBS } from '../../../src/cli/verbs.js';
import type { VerbEntry } from '../../../src/cli/verb.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

interface Documented {
  where: string;
  line: string;
}

/** Command lines: in fenced code blocks, and `fragctl …` inline code spans. */
function documentedCommands(): Documented[] {
  const out: Documented[] = [];
  for (const file of DOCS) {
    let fenced = false;
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const where = `${file}:${i + 1}`;
        if (/^\s*```/.test(text)) {
          fenced = !fenced;
          return;
        }
        if (fenced) {
          const m = /^\s*(?:\$\s+)?(fragctl\s.*)$/.exec(text);
          if (m) out.push({ where, line: m[1]! });
          return;
        }
        for (const span of text.matchAll(/`(fragctl [^`]+)`/g)) out.push({ where, line: span[1]! });
      });
  }
  return out;
}

/** Shell words, up to a comment, a redirection or a pipe; [optional] parts kept, brackets dropped. */
function words(line: string): string[] {
  const cut = line
    .replace(/\s+#.*$/, '')
    .replace(/\s[>|&;].*$/, '')
    .replace(/[[\]]/g, ' ');
  return [...cut.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const project = loadProject(ROOT);

/** A value written as a placeholder in a synopsis. */
const isPlaceholder = (word: string): boolean => /[<>|]|^[A-Z][A-Z0-9_.]*$|X\.Y\.Z/.test(word);

function platformOf(env: string): string | undefined {
  try {
    return loadEnvironment(project, env).platform;
  } catch {
    return undefined; // a placeholder (<env>) or an example name: any platform's verb
  }
}

/** Parses like main(): the verb's options, the globals, its arguments; throws commander's error. */
async function parse(entry: VerbEntry, rest: string[]): Promise<void> {
  const verb = (await entry.load()).default;
  const cmd = new Command(entry.name)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  addGlobalOptions(cmd, Option);
  verb.configure?.(cmd);
  if (verb.arguments) for (const a of verb.arguments.split(/\s+/)) cmd.argument(a);
  cmd.parse(rest, { from: 'user' });
}

test('every documented fragctl command line parses with the real verb definitions', async () => {
  const commands = documentedCommands();
  assert.ok(commands.length >= 60, `found ${commands.length}`);
  const failures: string[] = [];
  let checked = 0;
  for (const { where, line } of commands) {
    const w = words(line).slice(1);
    if (!w.length || w[0]!.startsWith('-') || w.includes('--help') || w.includes('-h') || (w[1] && /^<.*>$/.test(w[1]))) continue;
    const global = VERBS.filter((v) => v.scope === 'global' && v.name === w[0]);
    const platform = platformOf(w[0]!);
    const entries = global.length
      ? global
      : VERBS.filter((v) => v.scope === 'env' && v.name === w[1] && (!platform || v.platforms.includes(platform as never)));
    const rest = w.slice(global.length ? 1 : 2);
    if (!entries.length) {
      failures.push(`${where}: no verb "${global.length ? w[0] : w[1]}"${platform ? ` for ${platform} environments` : ''}: ${line}`);
      continue;
    }
    const errors: string[] = [];
    for (const entry of entries) {
      try {
        await parse(entry, rest);
      } catch (e) {
        const message = (e as Error).message;
        // A synopsis value (D, N, CRON, json|yaml, latest-<run number>) is not a real value: only its option is checked.
        if (
          !/unknown option|too many arguments|missing required argument|argument missing/.test(message) &&
          rest.some((x) => isPlaceholder(x) && message.includes(x))
        )
          continue;
        errors.push(message);
      }
    }
    if (errors.length === entries.length) failures.push(`${where}: ${line}\n    ${errors[0]}`);
    checked++;
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 60, `checked ${checked}`);
});

test('the check refuses what the verbs do not define', async () => {
  const run = VERBS.find((v) => v.name === 'run')!;
  await assert.rejects(parse(run, ['pull', '--no-such-option']), /unknown option/);
  await parse(run, ['pull', '-e', 'app_repo_version=v2.0.1']);
});
