/**
 * The GitHub Actions workflow of docs/ci.md: valid YAML with the two triggers, credentials only from
 * secrets, and every fragctl command in it accepted by this fragctl (the verb exists for the
 * environment's platform, every option is one the verb or the globals define, changing verbs pass
 * --yes since nothing can prompt in CI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../helpers/cli.js';
import { VERBS, findVerb } from '../../../src/cli/verbs.js';
import { completionSpec } from '../../../src/cli/commands/completion.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { push: { branches: string[]; tags: string[] } };
  jobs: Record<string, { if: string; steps: Step[] }>;
}

const workflowText = readFileSync(join(ROOT, 'docs', 'examples', 'github-actions.yml'), 'utf8');
const workflow = parse(workflowText) as Workflow;

/** Shell words of one command, with "${{ … }}" and "$VAR" kept as opaque values. */
function words(cmd: string): string[] {
  return [...cmd.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function fragctlCommands(): string[][] {
  const out: string[][] = [];
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps) {
      for (const line of (step.run ?? '').split(/\n|;|&&/)) {
        const w = words(line.replace(/\s[>|].*$/, ''));
        const i = w.indexOf('fragctl');
        if (i >= 0 && w[i + 1] && !w[i + 1]!.startsWith('@')) out.push(w.slice(i + 1));
      }
    }
  }
  return out;
}

test('triggers: pushes to main, and release tags', () => {
  assert.deepEqual(workflow.on.push.branches, ['main']);
  assert.deepEqual(workflow.on.push.tags, ['v[0-9]+.[0-9]+.[0-9]+']);
  assert.match(workflow.jobs.staging!.if, /refs\/heads\/main/);
  assert.match(workflow.jobs.production!.if, /refs\/tags\/v/);
});

test('credentials come from secrets only', () => {
  assert.match(workflowText, /secrets\.KUBECONFIG_STAGING/);
  assert.match(workflowText, /secrets\.KUBECONFIG_PRODUCTION/);
  assert.doesNotMatch(workflowText, /password:\s*\w|token:\s*[A-Za-z0-9]{8}/i);
});

test('every fragctl command is one this fragctl accepts, and changing verbs pass --yes', async () => {
  const project = loadProject(ROOT);
  const spec = await completionSpec(VERBS);
  const globals = [
    '--json',
    '--yes',
    '-y',
    '--dry-run',
    '--verbose',
    '--no-color',
    '--profile',
    '--region',
    '--endpoint-url',
    '--project-dir',
    '--vault-password-file',
  ];
  const commands = fragctlCommands();
  assert.ok(commands.length >= 6, JSON.stringify(commands));
  const seen = new Set<string>();
  for (const args of commands) {
    const [first, second] = args;
    const global = findVerb(first!);
    const entry = global?.scope === 'global' ? global : findVerb(second!, loadEnvironment(project, first!).platform);
    assert.ok(entry, `unknown verb in: fragctl ${args.join(' ')}`);
    if (entry.scope === 'env') assert.ok(entry.platforms.includes(loadEnvironment(project, first!).platform), `${entry.name} on ${first}`);
    const own = spec.options.get(entry.name) ?? [];
    for (const a of args.filter((x) => x.startsWith('-')))
      assert.ok(own.includes(a) || globals.includes(a), `${a} is not an option of ${entry.name}`);
    if (entry.mutating) assert.ok(args.includes('--yes'), `fragctl ${args.join(' ')} needs --yes in CI`);
    seen.add(entry.name);
  }
  for (const verb of ['version-change', 'promote', 'plan']) assert.ok(seen.has(verb), verb);
});
