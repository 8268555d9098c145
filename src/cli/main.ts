import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Platform, Project } from '../core/config/project.js';
import { fileURLToPath } from 'node:url';
import { withEnviron } from '../core/environ.js';
import { UserError } from '../core/errors.js';
import { registerArgumentSecrets } from '../core/redact.js';
import { AwsClients } from '../providers/aws/clients.js';
import { splitArgv, setGlobalWords } from './argv.js';
import { handleError } from './handle-error.js';
import { topLevelHelp } from './help.js';
import { isInteractive, type CliHost } from './host.js';
import { CliIoHost } from './io-host.js';
import type { CliRun, GlobalOptions, VerbEntry } from './verb.js';
import { guardRun } from './run-guard.js';
import { VERBS, findVerb, refuseOtherPlatform, suggestVerb } from './verbs.js';
import { GLOBAL_OPTIONS } from './global-options.js';

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    dir = dirname(dir);
  }
  return '0.0.0';
}

/**
 * Runs fragctl with the given arguments and returns the exit code; never calls process.exit and
 * never reads the process: streams, variables, cwd and signals come from `host` (the bin passes
 * the real process, tests their own), so several runs may share one process.
 */
export async function main(argv: string[], host: CliHost): Promise<number> {
  return withEnviron(host.env, host.cwd, () => mainIn({ argv, host, projects: new Map() }));
}

/** One run's own state: its arguments, its host, and the projects it has read. */
interface RunState {
  argv: string[];
  host: CliHost;
  /** The project is read once per run: choosing a verb's platform entry and running it share it. */
  projects: Map<string, Project>;
}

async function mainIn(state: RunState): Promise<number> {
  const { argv, host } = state;
  registerArgumentSecrets(argv); // a password in an argument (a URL's, token=…) is masked in every output and record
  setGlobalWords(VERBS.filter((v) => v.scope === 'global').map((v) => v.name));
  const split = splitArgv(argv);
  const early = earlyGlobals(split.rest);
  try {
    const [first, second] = split.words;
    if (!first || first === 'help') {
      if (split.version && !first) {
        host.stdout.write(`${packageVersion()}\n`);
        return 0;
      }
      const target = first === 'help' ? second : undefined;
      if (target && findVerb(target)) return await runVerb(state, findVerb(target)!, undefined, ['--help'], early);
      host.stdout.write(topLevelHelp(packageVersion()));
      return first || split.help ? 0 : 2;
    }
    const globalVerb = findVerb(first);
    if (globalVerb?.scope === 'global') return await runVerb(state, globalVerb, undefined, split.rest, early);
    if (globalVerb && (split.help || !second)) {
      if (split.help) return await runVerb(state, globalVerb, undefined, ['--help'], early);
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
    const verb = findVerb(second, await envPlatform(state, first, split.rest));
    if (!verb || verb.scope !== 'env') {
      const near = suggestVerb(second);
      throw new UserError(`unknown verb "${second}"`, {
        hint: near ? `did you mean "fragctl ${first} ${near}"?` : 'fragctl --help lists the verbs',
        code: 'USAGE',
      });
    }
    return await runVerb(state, verb, first, split.rest, early);
  } catch (e) {
    return handleError(e, early, host);
  }
}

async function projectAt(state: RunState, dir: string): Promise<Project> {
  const { loadProject } = await import('../core/config/project.js');
  const key = resolve(state.host.cwd, dir);
  let project = state.projects.get(key);
  if (!project) state.projects.set(key, (project = loadProject(dir)));
  return project;
}

/** The platform of an environment, to pick a verb's entry; undefined when it cannot be read yet. */
async function envPlatform(state: RunState, envName: string, rest: string[]): Promise<Platform | undefined> {
  const i = rest.indexOf('--project-dir');
  const dir =
    (i >= 0 ? rest[i + 1] : rest.find((a) => a.startsWith('--project-dir='))?.slice(14)) ??
    state.host.env.FRAGCTL_PROJECT_DIR ??
    state.host.cwd;
  try {
    const { loadEnvironment } = await import('../core/config/project.js');
    return loadEnvironment(await projectAt(state, dir), envName).platform;
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

async function runVerb(
  state: RunState,
  entry: VerbEntry,
  envName: string | undefined,
  rest: string[],
  early: EarlyGlobals,
): Promise<number> {
  const { host } = state;
  const env = host.env;
  const [{ Command, CommanderError, Option }, mod] = await Promise.all([import('commander'), entry.load()]);
  const verb = mod.default;
  const cmd = new Command(envName ? `fragctl ${envName} ${entry.name}` : `fragctl ${entry.name}`)
    .usage(`[options]${verb.arguments ? ` ${verb.arguments}` : ''}`)
    .description(entry.summary)
    .exitOverride()
    .configureOutput(commanderOutput(host))
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help');
  // Without an environment the name carries the placeholder: `Usage: fragctl <env> deploy [options]`.
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
  const opts = cmd.opts<Record<string, unknown>>();
  const global: GlobalOptions = {
    json: !!opts.json,
    yes: !!opts.yes,
    dryRun: !!opts.dryRun,
    verbose: !!opts.verbose,
    color: opts.color !== false && !env.NO_COLOR && !opts.json,
    profile: opts.profile as string | undefined,
    region: opts.region as string | undefined,
    endpointUrl: (opts.endpointUrl as string | undefined) ?? (env.AWS_ENDPOINT_URL || undefined),
    projectDir: (opts.projectDir as string | undefined) ?? env.FRAGCTL_PROJECT_DIR ?? host.cwd,
    vaultPasswordFile: (opts.vaultPasswordFile as string | undefined) ?? (env.FRAGCTL_VAULT_PASSWORD_FILE || undefined),
    message: opts.message as string | undefined,
  };
  early.json = global.json;
  early.verbose = global.verbose;
  if (global.dryRun && entry.mutating && !verb.dryRun) {
    throw new UserError(`${entry.name} has no dry run: with --dry-run it would still change ${envName ?? 'the environment'}`, {
      hint: `nothing was done; run it without --dry-run when you mean it${envName ? ` (fragctl ${envName} plan shows what a deploy would do)` : ''}`,
      code: 'USAGE',
    });
  }
  const io = new CliIoHost({ json: global.json, verbose: global.verbose, color: global.color, yes: global.yes }, host);
  const run = await buildRun(state, global, io, envName, entry);
  const interrupt = onInterrupt(host, () => run.abort());
  host.abortSignal?.addEventListener('abort', () => run.abort(), { once: true });
  try {
    await verb.before?.(run, opts as never);
    const code = await guardRun(run, entry, () => verb.run(run, opts as never, cmd.args));
    return code ?? 0;
  } finally {
    interrupt.dispose();
  }
}

/** Commander's help goes to the run's stdout, sized and coloured by it; its errors are ours to draw. */
function commanderOutput(host: CliHost): import('commander').OutputConfiguration {
  const colors = (stream: CliHost['stdout']): boolean => {
    if (host.env.NO_COLOR || host.env.FORCE_COLOR === '0' || host.env.FORCE_COLOR === 'false') return false;
    if (host.env.FORCE_COLOR || host.env.CLICOLOR_FORCE) return true;
    return !!stream.isTTY && !!(stream as NodeJS.WriteStream).hasColors?.();
  };
  return {
    writeOut: (s) => host.stdout.write(s),
    writeErr: () => undefined,
    // Commander's own default: the terminal's width on a TTY, else 80.
    getOutHelpWidth: () => (host.stdout.isTTY ? (host.stdout as NodeJS.WriteStream).columns : 80),
    getErrHelpWidth: () => (host.stderr.isTTY ? (host.stderr as NodeJS.WriteStream).columns : 80),
    getOutHasColors: () => colors(host.stdout),
    getErrHasColors: () => colors(host.stderr),
  };
}

export function addGlobalOptions(cmd: import('commander').Command, Option: typeof import('commander').Option): void {
  for (const o of GLOBAL_OPTIONS) if (!o.builtin) cmd.addOption(new Option(o.flags, o.help));
}

async function buildRun(
  state: RunState,
  global: GlobalOptions,
  io: CliIoHost,
  envName: string | undefined,
  entry: VerbEntry,
): Promise<CliRun> {
  const controller = new AbortController();
  const { loadProject, loadEnvironment } = await import('../core/config/project.js');
  let project: Project | undefined;
  let context: ReturnType<CliRun['context']> | undefined;
  const run: CliRun = {
    global,
    io,
    host: state.host,
    argv: state.argv,
    verbs: VERBS,
    envName,
    signal: controller.signal,
    abort: () => controller.abort(),
    project: () => {
      if (project) return project;
      project = state.projects.get(resolve(state.host.cwd, global.projectDir)) ?? loadProject(global.projectDir);
      for (const message of project.warnings) io.emit({ level: 'warn', code: 'config.setting-alias', message });
      return project;
    },
    context: () => {
      if (context) return context;
      if (!envName) throw new Error(`${entry.name} has no environment`);
      const p = run.project();
      const env = loadEnvironment(p, envName);
      refuseOtherPlatform(entry, env.platform, envName);
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
      interactive: isInteractive(run.host) && !g.json,
      pollIntervalMs: pollInterval(run.host.env.FRAGCTL_POLL_INTERVAL_MS),
      vaultPasswordFile: g.vaultPasswordFile,
      lockMessage: g.message,
      lease: leaseSettings(process.env.FRAGCTL_LOCK_LEASE_SECONDS, process.env.FRAGCTL_LOCK_HEARTBEAT_SECONDS),
    },
    get aws() {
      return (aws ??= new AwsClients(awsConfig));
    },
  };
}

/** FRAGCTL_LOCK_LEASE_SECONDS and FRAGCTL_LOCK_HEARTBEAT_SECONDS (docs/locks.md); defaults otherwise. */
function leaseSettings(lease: string | undefined, beat: string | undefined): { leaseMs: number; heartbeatMs: number } {
  const leaseMs = Number(lease) > 0 ? Number(lease) * 1000 : 120_000;
  const heartbeatMs = Number(beat) > 0 ? Number(beat) * 1000 : Math.min(20_000, Math.floor(leaseMs / 4));
  return { leaseMs, heartbeatMs: Math.min(heartbeatMs, Math.floor(leaseMs / 2)) };
}

/** FRAGCTL_POLL_INTERVAL_MS, or 5 s; a value that is not a positive number is ignored. */
function pollInterval(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isFinite(ms) && ms > 0 ? ms : 5000;
}

function onInterrupt(host: CliHost, abort: () => void): { dispose(): void } {
  const signals = host.signals;
  if (!signals) return { dispose: () => undefined };
  let count = 0;
  const handler = (): void => {
    count++;
    if (count > 1) {
      host.stderr.write('\ninterrupted again: exiting now\n');
      signals.exitNow(130);
      return;
    }
    host.stderr.write(
      '\ninterrupt: stopping child processes (SIGINT, SIGKILL after the grace period) and waits; operations already started on AWS or Kubernetes go on; Ctrl-C again to quit at once\n',
    );
    abort();
  };
  return { dispose: signals.on('SIGINT', handler) };
}
