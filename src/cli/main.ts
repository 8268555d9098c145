import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Project } from '../core/config/project.js';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';
import { registerArgumentSecrets } from '../core/redact.js';
import { AwsClients } from '../providers/aws/clients.js';
import { splitArgv, setGlobalWords } from './argv.js';
import { handleError } from './handle-error.js';
import { topLevelHelp } from './help.js';
import { CliIoHost, isInteractive } from './io-host.js';
import type { CliRun, GlobalOptions } from './verb.js';
import { guardRun } from './run-guard.js';
import { VERBS, findVerb, suggestVerb, type VerbEntry } from './verbs.js';

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    dir = dirname(dir);
  }
  return '0.0.0';
}

/** Runs fragctl with the given arguments and returns the exit code; never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  registerArgumentSecrets(argv); // a password in an argument (a URL's, token=…) is masked in every output and record
  setGlobalWords(VERBS.filter((v) => v.scope === 'global').map((v) => v.name));
  const split = splitArgv(argv);
  const early = earlyGlobals(split.rest);
  try {
    const [first, second] = split.words;
    if (!first || first === 'help') {
      if (split.version && !first) {
        process.stdout.write(`${packageVersion()}\n`);
        return 0;
      }
      const target = first === 'help' ? second : undefined;
      if (target && findVerb(target)) return await runVerb(findVerb(target)!, undefined, ['--help'], early);
      process.stdout.write(topLevelHelp(packageVersion()));
      return first || split.help ? 0 : 2;
    }
    const globalVerb = findVerb(first);
    if (globalVerb?.scope === 'global') return await runVerb(globalVerb, undefined, split.rest, early);
    if (globalVerb && (split.help || !second)) {
      if (split.help) return await runVerb(globalVerb, undefined, ['--help'], early);
      throw new UserError(`"${first}" needs an environment: fragctl <env> ${first}`, {
        hint: 'run `fragctl envs` to list the environments',
        code: 'USAGE',
      });
    }
    if (!second) {
      throw new UserError(`no verb given for environment "${first}"`, {
        hint: `try fragctl ${first} status; fragctl --help lists the verbs`,
        code: 'USAGE',
      });
    }
    const verb = findVerb(second, await platformOf(first, split.rest));
    if (!verb || verb.scope !== 'env') {
      const near = suggestVerb(second);
      throw new UserError(`unknown verb "${second}"`, {
        hint: near ? `did you mean "fragctl ${first} ${near}"?` : 'fragctl --help lists the verbs',
        code: 'USAGE',
      });
    }
    return await runVerb(verb, first, split.rest, early);
  } catch (e) {
    return handleError(e, early);
  }
}

// The project is read once per run: choosing a verb's platform entry and running it share it.
const loadedProjects = new Map<string, Project>();

async function projectAt(dir: string): Promise<Project> {
  const { loadProject } = await import('../core/config/project.js');
  const key = resolve(dir);
  let project = loadedProjects.get(key);
  if (!project) loadedProjects.set(key, (project = loadProject(dir)));
  return project;
}

/** The platform of an environment, to pick a verb's entry; undefined when it cannot be read yet. */
async function platformOf(envName: string, rest: string[]): Promise<'aws' | 'kubernetes' | 'local' | undefined> {
  const i = rest.indexOf('--project-dir');
  const dir = (i >= 0 ? rest[i + 1] : rest.find((a) => a.startsWith('--project-dir='))?.slice(14)) ?? process.env.FRAGCTL_PROJECT_DIR ?? process.cwd();
  try {
    const { loadEnvironment } = await import('../core/config/project.js');
    return loadEnvironment(await projectAt(dir), envName).platform;
  } catch {
    return undefined; // the verb's run reports the problem with its full message
  }
}

interface EarlyGlobals {
  json: boolean;
  verbose: boolean;
}

function earlyGlobals(rest: string[]): EarlyGlobals {
  return { json: rest.includes('--json'), verbose: rest.includes('--verbose') || rest.includes('-v') };
}

async function runVerb(entry: VerbEntry, envName: string | undefined, rest: string[], early: EarlyGlobals): Promise<number> {
  const [{ Command, CommanderError, Option }, mod] = await Promise.all([import('commander'), entry.load()]);
  const verb = mod.default;
  const cmd = new Command(envName ? `fragctl ${envName} ${entry.name}` : `fragctl ${entry.name}`)
    .usage(`${envName ? '' : entry.scope === 'env' ? '<env> ' : ''}[options]${verb.arguments ? ` ${verb.arguments}` : ''}`)
    .description(entry.summary)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help');
  if (entry.scope === 'env' && !envName) cmd.name(`fragctl <env> ${entry.name}`);
  addGlobalOptions(cmd, Option);
  verb.configure?.(cmd);
  if (verb.arguments) for (const a of verb.arguments.split(/\s+/)) cmd.argument(a);

  try {
    cmd.parse(rest, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 0;
      throw new UserError(e.message.replace(/^error: /, ''), { hint: `see ${cmd.name()} --help`, code: 'USAGE' });
    }
    throw e;
  }
  const opts = cmd.opts() as Record<string, unknown>;
  const global: GlobalOptions = {
    json: !!opts.json,
    yes: !!opts.yes,
    dryRun: !!opts.dryRun,
    verbose: !!opts.verbose,
    color: opts.color !== false && !process.env.NO_COLOR && !opts.json,
    profile: opts.profile as string | undefined,
    region: opts.region as string | undefined,
    endpointUrl: (opts.endpointUrl as string | undefined) ?? (process.env.AWS_ENDPOINT_URL || undefined),
    projectDir: (opts.projectDir as string | undefined) ?? process.env.FRAGCTL_PROJECT_DIR ?? process.cwd(),
    vaultPasswordFile: (opts.vaultPasswordFile as string | undefined) ?? (process.env.FRAGCTL_VAULT_PASSWORD_FILE || undefined),
  };
  early.json = global.json;
  early.verbose = global.verbose;
  const io = new CliIoHost({ json: global.json, verbose: global.verbose, color: global.color, yes: global.yes });
  const run = await buildRun(global, io, envName, entry);
  const interrupt = onInterrupt(() => run.abort());
  try {
    await verb.before?.(run, opts as never);
    const code = await guardRun(run, entry, () => verb.run(run, opts as never, cmd.args));
    return code ?? 0;
  } finally {
    interrupt.dispose();
  }
}

export function addGlobalOptions(cmd: import('commander').Command, Option: typeof import('commander').Option): void {
  cmd
    .option('--json', 'results as JSON on stdout; never prompts')
    .option('-y, --yes', 'answer yes to confirmations')
    .option('--dry-run', 'show what would be done, change nothing')
    .option('-v, --verbose', 'debug events and AWS API call counts')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('--profile <name>', 'AWS profile')
    .option('--region <region>', 'AWS region')
    .option('--endpoint-url <url>', 'AWS endpoint override (also AWS_ENDPOINT_URL)')
    .option('--project-dir <dir>', 'the ops repository (default: current directory)')
    .addOption(new Option('--vault-password-file <file>', 'Ansible Vault password file (also FRAGCTL_VAULT_PASSWORD_FILE)'));
}

async function buildRun(global: GlobalOptions, io: CliIoHost, envName: string | undefined, entry: VerbEntry): Promise<CliRun> {
  const controller = new AbortController();
  const { loadProject, loadEnvironment } = await import('../core/config/project.js');
  let project: Project | undefined;
  let context: ReturnType<CliRun['context']> | undefined;
  const run: CliRun = {
    global,
    io,
    argv: process.argv.slice(2),
    envName,
    signal: controller.signal,
    abort: () => controller.abort(),
    project: () => {
      if (project) return project;
      project = loadedProjects.get(resolve(global.projectDir)) ?? loadProject(global.projectDir);
      for (const message of project.warnings) io.emit({ level: 'warn', code: 'config.setting-alias', message });
      return project;
    },
    context: () => {
      if (context) return context;
      if (!envName) throw new Error(`${entry.name} has no environment`);
      const p = run.project();
      const env = loadEnvironment(p, envName);
      if (!entry.platforms.includes(env.platform)) {
        throw new UserError(`"${entry.name}" does not apply to ${env.platform} environments like ${envName}`, {
          hint: `it works on ${entry.platforms.join(', ')} environments; fragctl --help lists verbs`,
          code: 'USAGE',
        });
      }
      context = makeContext(p, env, run, controller.signal);
      return context;
    },
  };
  return run;
}

function makeContext(
  project: import('../core/config/project.js').Project,
  env: import('../core/config/project.js').Environment,
  run: CliRun,
  signal: AbortSignal,
): import('../core/context.js').Context {
  const g = run.global;
  // AwsClients imports the SDK lazily, per service, on first use.
  const awsConfig = {
    region: g.region ?? env.aws.region ?? env.settings.aws_region,
    profile: g.profile ?? env.aws.profile,
    endpointUrl: g.endpointUrl ?? env.aws.endpoint_url,
  };
  let aws: AwsClients | undefined;
  return {
    project,
    env,
    io: run.io,
    signal,
    options: {
      yes: g.yes,
      dryRun: g.dryRun,
      verbose: g.verbose,
      interactive: isInteractive() && !g.json,
      pollIntervalMs: pollInterval(process.env.FRAGCTL_POLL_INTERVAL_MS),
      vaultPasswordFile: g.vaultPasswordFile,
    },
    get aws() {
      return (aws ??= new AwsClients(awsConfig));
    },
  };
}

/** FRAGCTL_POLL_INTERVAL_MS, or 5 s; a value that is not a positive number is ignored. */
function pollInterval(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isFinite(ms) && ms > 0 ? ms : 5000;
}

function onInterrupt(abort: () => void): { dispose(): void } {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count > 1) {
      process.stderr.write('\ninterrupted again: exiting now\n');
      process.exit(130);
    }
    process.stderr.write('\ninterrupt: stopping child processes (SIGINT, SIGKILL after the grace period) and waits; operations already started on AWS or Kubernetes go on; Ctrl-C again to quit at once\n');
    abort();
  };
  process.on('SIGINT', handler);
  return { dispose: () => process.off('SIGINT', handler) };
}

