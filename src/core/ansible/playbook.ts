/**
 * One ansible-playbook run: a private inventory and variables file (0600, removed afterwards even
 * on failure), the SSH key checked first, the vault password passed by file, --syntax-check before
 * anything runs, output streamed (redacted) and the PLAY RECAP parsed.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { isAbsolute, join } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, OperationError, UserError } from '../errors.js';
import { debug } from '../io.js';
import { redact } from '../redact.js';
import { ensureRequirements, installedRequirements } from './requirements.js';
import { ansiblePlaybook, ansiblePlaybookBinary } from '../../providers/shell/ansible.js';
import { cachedCheck, checkInputsHash, rememberCheck } from './check-cache.js';
import { vaultArgs } from '../secrets/vault.js';
import { staticInventory } from './inventory.js';
import { checkPrivateKey, displayPath } from './keys.js';
import { parseRecap, recapOk } from './recap.js';
import { describeStop, stoppedAt } from './interrupted.js';
import { PlaybookStream, recapsPerPlaybook } from './playbook-stream.js';
import { withWorkdir, type Workdir } from './workdir.js';
import type { AnsibleHost, PlayRecap } from './types.js';
import {
  ALLOW_NO_HOSTS,
  emptyPlays,
  parseListHosts,
  playSources,
  skippedPlays,
  unmatchedPatterns,
  type EmptyPlay,
  type ListedPlay,
} from './host-patterns.js';
import { playbookError } from './syntax-hints.js';
import { asText } from '../text.js';

export interface PlaybookOptions {
  playbook: string;
  hosts: AnsibleHost[];
  vars: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  tags?: string;
  limit?: string;
  /** Set when the caller already ran the syntax check (deploy checks every playbook first). */
  skipSyntaxCheck?: boolean;
}

export function playbookPath(ctx: Pick<Context, 'project'>, playbook: string): string {
  return isAbsolute(playbook) ? playbook : join(ctx.project.paths.playbooks, playbook);
}

export async function runPlaybook(ctx: Context, opts: PlaybookOptions): Promise<PlayRecap> {
  const { playbook, ...rest } = opts;
  return (await runPlaybooks(ctx, { ...rest, playbooks: [playbook] })).recap;
}

export interface PlaybooksOptions extends Omit<PlaybookOptions, 'playbook'> {
  playbooks: string[];
  /** Called as Ansible starts each playbook (its first play), before that play's output streams. */
  onPlaybookStart?: (index: number) => void;
}

export interface PlaybooksResult {
  /** The run's totals. */
  recap: PlayRecap;
  /** Each playbook's own counts, in order, for the playbooks Ansible reached. */
  perPlaybook: PlayRecap[];
}

/**
 * Several playbooks in ONE ansible-playbook process (one Python start, one inventory parse, SSH
 * connections kept between them). Ansible runs them in order and does not start the next after
 * one that left a host failed or unreachable.
 */
export async function runPlaybooks(ctx: Context, opts: PlaybooksOptions): Promise<PlaybooksResult> {
  const files = opts.playbooks.map((p) => requirePlaybook(ctx, p));
  await ensureRequirements(ctx);
  const shown = files.map((f) => displayPath(ctx.project.paths.dir, f)).join(' ');
  const needsKey = opts.hosts.some((h) => h.connection !== 'local' && h.vars?.ansible_ssh_private_key_file === undefined);
  const key = needsKey ? checkPrivateKey(ctx) : undefined;
  return withWorkdir(ctx, async (work) => {
    const base = baseArgs(ctx, work, opts, key);
    if (!opts.skipSyntaxCheck) await syntaxCheckIn(ctx, work, base, ...files);
    const args = [...base];
    if (opts.check) args.push('--check');
    if (opts.diff) args.push('--diff');
    if (opts.tags) args.push('--tags', opts.tags);
    if (opts.limit) args.push('--limit', opts.limit);
    args.push(...files);
    debug(ctx.io, 'ansible.run', `ansible-playbook ${redact(args.join(' ').replaceAll(work.dir, '<tmp>'))}`);
    const stream = new PlaybookStream(
      (line) => ctx.io.stream(redact(line)),
      (i) => opts.onPlaybookStart?.(i),
    );
    const r = await ansiblePlaybook(args, {
      cwd: ctx.project.paths.playbooks,
      env: ansibleProjectEnv(ctx),
      signal: ctx.signal,
      onOutput: (chunk) => stream.push(chunk),
    });
    stream.end();
    const output = stream.text;
    if (ctx.signal.aborted) {
      throw new InterruptedError(
        `interrupted: ansible-playbook ${shown} was stopped${describeStop(
          stoppedAt(output),
          opts.hosts.map((h) => h.name),
        )}`,
        {
          hint: 'those hosts may be half-configured; run the same command again (it is idempotent)',
          code: 'INTERRUPTED',
        },
      );
    }
    const hosts = parseRecap(output);
    if (!opts.limit) refuseSkippedPlays(files, shown, output);
    if (Object.keys(hosts).length === 0 && r.exitCode !== 0) {
      const at = files.length > 1 && stream.current >= 0 ? ` (in ${displayPath(ctx.project.paths.dir, files[stream.current]!)})` : '';
      throw new OperationError(`ansible-playbook ${shown} failed${at} (exit ${r.exitCode}): ${lastError(output)}`, {
        hint: "see Ansible's output above",
        code: 'ANSIBLE_FAILED',
      });
    }
    if (r.exitCode === 0 && Object.keys(hosts).length === 0) refuseEmptySelection(shown, opts);
    return { recap: { ok: r.exitCode === 0 && recapOk(hosts), hosts }, perPlaybook: recapsPerPlaybook(output) };
  });
}

/**
 * Ansible exits 0 when --limit leaves no host to a play, or --tags selects no task: it did
 * nothing, and a run reported as done would be a lie (and deploy would publish its bundle).
 */
function refuseEmptySelection(shown: string, opts: Pick<PlaybooksOptions, 'limit' | 'tags'>): void {
  if (opts.limit) {
    throw new UserError(`--limit ${opts.limit} leaves no host to ${shown}: nothing was run`, {
      hint: 'the hosts named by --limit must be in the groups these playbooks target (see `fragctl <env> hosts`)',
      code: 'LIMIT_UNKNOWN',
    });
  }
  if (opts.tags) {
    throw new UserError(`--tags ${opts.tags} selects no task of ${shown} on any host: nothing was run`, {
      hint: `list the playbooks' tags with \`ansible-playbook --list-tags ${shown}\``,
      code: 'TAGS_UNMATCHED',
    });
  }
}

/** Ansible skipped a play for want of hosts (it only warns): a failure, unless the play opted out. */
function refuseSkippedPlays(files: string[], shown: string, output: string): void {
  const allowed = new Set(
    files
      .flatMap((f) => playSources(f))
      .filter((p) => p.allowNoHosts)
      .map((p) => p.name ?? p.hosts),
  );
  const skipped = skippedPlays(output).filter((p) => !allowed.has(p));
  if (!skipped.length) return;
  const unmatched = unmatchedPatterns(output);
  throw new OperationError(
    `ansible-playbook ${shown}: play "${skipped[0]}" matched no host and did nothing${unmatched.length ? ` (could not match: ${unmatched.join(', ')})` : ''}`,
    {
      hint: `check its hosts: pattern against the inventory; a play that may match nothing says so with \`vars: { ${ALLOW_NO_HOSTS}: true }\``,
      code: 'NO_HOSTS_MATCHED',
      details: skipped.map((p) => `play "${p}": skipping: no hosts matched`),
    },
  );
}

/**
 * Checks playbooks' syntax in one ansible-playbook call; a syntax error is a UserError, nothing ran.
 * A check that passed with exactly these inputs is not run again (check-cache.ts): commission
 * checks the image playbook before its lock and again as it bakes, and an unchanged project
 * is checked once, not on every command.
 */
export async function syntaxCheck(
  ctx: Context,
  playbooks: string[],
  hosts: AnsibleHost[],
  vars: Record<string, unknown>,
): Promise<ListedPlay[]> {
  const files = playbooks.map((p) => requirePlaybook(ctx, p));
  if (files.length === 0) return [];
  await ensureRequirements(ctx);
  const key = checkInputsHash(ctx, { playbooks: files, inventory: withSshDefaults(ctx, hosts), vars, program: ansiblePlaybookBinary() });
  const cached = cachedCheck(ctx, key);
  if (cached) {
    debug(ctx.io, 'ansible.syntax', `syntax check skipped: playbooks, inventory and variables unchanged since it last passed`);
    return cached;
  }
  const listed = await withWorkdir(ctx, async (work) =>
    syntaxCheckIn(ctx, work, baseArgs(ctx, work, { hosts, vars }, undefined), ...files),
  );
  rememberCheck(ctx, key, listed);
  return listed;
}

function requirePlaybook(ctx: Context, playbook: string): string {
  const file = playbookPath(ctx, playbook);
  if (!existsSync(file)) {
    throw new UserError(`playbook ${displayPath(ctx.project.paths.dir, file)} does not exist`, {
      hint: "playbooks/<group>.yml runs a group's role, playbooks/tasks/<task>.yml a management task",
      code: 'PLAYBOOK_MISSING',
    });
  }
  return file;
}

function baseArgs(ctx: Context, work: Workdir, opts: Pick<PlaybookOptions, 'hosts' | 'vars'>, key: string | undefined): string[] {
  const inventory = work.write('inventory.json', JSON.stringify(withSshDefaults(ctx, opts.hosts)));
  // Inventory-relative group_vars: task playbooks under playbooks/tasks/ see the shared settings and the vault too.
  const groupVars = join(ctx.project.paths.playbooks, 'group_vars');
  if (existsSync(groupVars) && !existsSync(join(work.dir, 'group_vars'))) symlinkSync(groupVars, join(work.dir, 'group_vars'));
  const vars = work.write('vars.json', JSON.stringify(opts.vars));
  const args = ['-i', inventory, '-e', `@${vars}`, ...vaultArgs(ctx, work)];
  if (key) args.push('--private-key', key);
  return args;
}

function ansibleProjectEnv(ctx: Context): Record<string, string> {
  const roles = join(ctx.project.paths.playbooks, 'roles');
  const galaxy = installedRequirements(ctx);
  const env: Record<string, string> = { ANSIBLE_ROLES_PATH: galaxy ? `${roles}:${galaxy.roles}` : roles };
  // Ansible still finds the collections that come with it (site-packages) beside these.
  if (galaxy) env.ANSIBLE_COLLECTIONS_PATH = galaxy.collections;
  // SSH masters (ControlPersist) per project: the roles of one deploy share connections, but a
  // connection is never reused by another project that happens to use the same address and port.
  const cp = join(ctx.project.paths.state, 'cp');
  if (cp.length <= 80) env.ANSIBLE_SSH_CONTROL_PATH_DIR = cp; // sockets paths are limited to ~108 bytes
  return env;
}

function withSshDefaults(ctx: Context, hosts: AnsibleHost[]): Record<string, unknown> {
  return staticInventory(sshDefaults(ctx, hosts));
}

/** SSH hosts get the project's own known_hosts with accept-new (also for `fragctl inventory`). */
export function sshDefaults(ctx: Pick<Context, 'project'>, hosts: AnsibleHost[]): AnsibleHost[] {
  const knownHosts = join(ctx.project.paths.state, 'known_hosts');
  return hosts.map((h) => {
    if (h.connection === 'local') return h;
    const common = `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHosts}`;
    const extra = h.vars?.ansible_ssh_common_args;
    return { ...h, vars: { ...h.vars, ansible_ssh_common_args: extra ? `${common} ${asText(extra)}` : common } };
  });
}

/**
 * One `ansible-playbook --list-hosts` over the run's inventory and variables: it parses every
 * playbook (a syntax error, an unknown role or module stops here, nothing ran) and renders each
 * play's pattern the way the run will, so a play that matches no host is refused before it runs.
 */
async function syntaxCheckIn(ctx: Context, _work: Workdir, base: string[], ...files: string[]): Promise<ListedPlay[]> {
  const r = await ansiblePlaybook(['--list-hosts', ...base, ...files], {
    cwd: ctx.project.paths.playbooks,
    env: ansibleProjectEnv(ctx),
    signal: ctx.signal,
  });
  const shown = files.map((f) => displayPath(ctx.project.paths.dir, f));
  if (r.exitCode !== 0) {
    const out = redact(`${r.stdout}\n${r.stderr}`);
    const bad = shown.find((f) => out.includes(f.replace(/^playbooks\//, ''))) ?? shown.join(', ');
    throw playbookError(bad, out, lastError(out), `ansible-playbook --syntax-check ${shown.join(' ')}`);
  }
  const listed = parseListHosts(r.stdout);
  const empty = emptyPlays(listed, (pb) => playSources(isAbsolute(pb) ? pb : join(ctx.project.paths.playbooks, pb)));
  if (empty.length) throw noHostsError(ctx, empty, base);
  debug(ctx.io, 'ansible.syntax', `syntax ok: ${shown.join(', ')}`);
  return listed;
}

function noHostsError(ctx: Context, empty: EmptyPlay[], base: string[]): UserError {
  const e = empty[0]!;
  const show = (pb: string): string => displayPath(ctx.project.paths.dir, isAbsolute(pb) ? pb : join(ctx.project.paths.playbooks, pb));
  const shown = show(e.playbook);
  const written = e.written ? ` (written ${e.written})` : '';
  const groups = inventoryGroupNames(base);
  const near = groups.length ? closest(e.pattern, groups) : undefined;
  return new UserError(`playbook ${shown}: play "${e.play}" matches no host: hosts: ${e.pattern}${written}`, {
    hint: `${near ? `did you mean ${near}? ` : ''}check the pattern against \`fragctl ${ctx.env.name} inventory --list\`; a play that may match nothing says so with \`vars: { ${ALLOW_NO_HOSTS}: true }\` (nothing was run)`,
    code: 'NO_HOSTS_MATCHED',
    details: empty.map((x) => `${show(x.playbook)}: play "${x.play}" hosts: ${x.pattern}${x.written ? ` (written ${x.written})` : ''}`),
  });
}

/** The group names of the run's inventory (the file named after -i). */
function inventoryGroupNames(base: string[]): string[] {
  const file = base[base.indexOf('-i') + 1];
  try {
    const inv = JSON.parse(readFileSync(file!, 'utf8')) as { all?: { children?: Record<string, unknown> } };
    return Object.keys(inv.all?.children ?? {});
  } catch {
    return [];
  }
}

/** The most telling line of Ansible's output: its ERROR line, else the last non-empty one. */
export function lastError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.find((l) => /^(ERROR!|\[ERROR\])/.test(l));
  return (err ?? lines.at(-1) ?? 'no output').replace(/^(ERROR!|\[ERROR\]:?)\s*/, '');
}
