/**
 * `fragctl <env> run <task>`: a named task playbook. Destructive tasks ask for confirmation,
 * typed as the environment's name (--yes in scripts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { DeclinedError, OperationError, UserError } from '../errors.js';
import { info, success } from '../io.js';
import { readPlaybook } from '../ansible/plays.js';
import { runPlaybook, syntaxCheck } from '../ansible/playbook.js';
import type { PlayRecap } from '../ansible/types.js';
import { loadVaultSecrets } from '../secrets/vault.js';
import { checkContract, hostsOf, resolveTargets } from './targets.js';
import { translateLimit } from './deploy.js';
import jsYaml from 'js-yaml';

export interface TaskInfo {
  name: string;
  playbook: string;
  description?: string;
  destructive: boolean;
  groups: string[];
}

/**
 * The tasks: playbooks/tasks/tasks.yml (the index: name → playbook, description, destructive,
 * groups) when there is one, else every playbook in playbooks/tasks/. A task is destructive when
 * the index or the playbook itself says so.
 */
export async function listTasks(ctx: Pick<Context, 'project'>): Promise<TaskInfo[]> {
  const dir = join(ctx.project.paths.playbooks, 'tasks');
  if (!existsSync(dir)) return [];
  const index = join(dir, 'tasks.yml');
  const out: TaskInfo[] = [];
  if (existsSync(index)) {
    const entries = (jsYaml.load(readFileSync(index, 'utf8')) ?? {}) as Record<string, Partial<IndexEntry>>;
    for (const [name, e] of Object.entries(entries)) {
      const playbook = e?.playbook ?? `tasks/${name}.yml`;
      const file = join(ctx.project.paths.playbooks, playbook);
      const p = existsSync(file) ? await readPlaybook(file) : undefined;
      out.push({
        name,
        playbook,
        description: e?.description ?? p?.name,
        destructive: e?.destructive === true || !!p?.destructive,
        groups: Array.isArray(e?.groups) ? e.groups.map(String) : (p?.groups ?? []),
      });
    }
    return out;
  }
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(f)) continue;
    const p = await readPlaybook(join(dir, f));
    if (!p.isPlaybook) continue;
    out.push({
      name: f.replace(/\.ya?ml$/, ''),
      playbook: `tasks/${f}`,
      description: p.name,
      destructive: p.destructive,
      groups: p.groups,
    });
  }
  return out;
}

interface IndexEntry {
  playbook: string;
  description: string;
  destructive: boolean;
  groups: unknown[];
}

export interface TaskResult {
  task: string;
  ok: boolean;
  destructive: boolean;
  hosts: string[];
  recap: PlayRecap['hosts'];
}

/** `-e key=value` words: one variable each (a string, as Ansible reads key=value), or a UserError naming the word. */
export function parseExtraVars(words: string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq > 0 ? w.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UserError(`-e ${w}: expected key=value with a variable name as key`, {
        hint: 'for example: -e app_repo_version=v2.0.1 (repeat -e for several variables)',
        code: 'USAGE',
      });
    }
    vars[key] = w.slice(eq + 1);
  }
  return vars;
}

export async function runTask(
  ctx: Context,
  name: string,
  opts: { limit?: string; check?: boolean; extraVars?: Record<string, string> } = {},
): Promise<TaskResult> {
  const tasks = await listTasks(ctx);
  const task = tasks.find((t) => t.name === name);
  if (!task) {
    throw new UserError(`unknown task "${name}"`, {
      hint: tasks.length
        ? `tasks: ${tasks.map((t) => `${t.name}${t.destructive ? ' (destructive)' : ''}`).join(', ')}`
        : 'add playbooks/tasks/<task>.yml',
      code: 'TASK_UNKNOWN',
    });
  }
  await loadVaultSecrets(ctx);
  const t = await resolveTargets(ctx);
  const present = task.groups.filter((g) => t.hosts.some((h) => h.groups.includes(g)));
  // A task may target several groups (app:knowledge:worker); it needs hosts in one of them.
  checkContract(ctx, t, new Map([[task.name, present.length ? present : task.groups.slice(0, 1)]]));
  const hosts = hostsOf(t.hosts, task.groups);
  await syntaxCheck(ctx, [task.playbook], t.hosts, t.vars);
  if (task.destructive && !opts.check) {
    const ok = await ctx.io.confirm({
      message: `task ${name} is destructive (${task.description ?? task.playbook}) and runs on ${hosts.length} host(s) of ${ctx.env.name}`,
      typeToConfirm: ctx.env.name,
    });
    if (!ok) throw new DeclinedError(`task ${name} not run: not confirmed`, { code: 'DECLINED' });
  }
  info(ctx.io, 'task.run', `running task ${name} on ${hosts.join(', ')}`);
  const recap = await runPlaybook(ctx, {
    playbook: task.playbook,
    hosts: t.hosts,
    // In the variables file with the settings (passed as extra vars): they win, and stay off the command line.
    vars: { ...t.vars, ...opts.extraVars },
    check: opts.check,
    limit: opts.limit ? translateLimit(t.hosts, opts.limit) : undefined,
    skipSyntaxCheck: true,
  });
  if (!recap.ok) {
    const bad = Object.entries(recap.hosts)
      .filter(([, h]) => h.failed || h.unreachable)
      .map(([n, h]) => `${n} ${h.unreachable ? 'unreachable' : 'failed'}`);
    throw new OperationError(`task ${name} failed on ${ctx.env.name}: ${bad.join(', ') || 'ansible-playbook failed'}`, {
      hint: "see Ansible's output above",
      code: 'TASK_FAILED',
    });
  }
  success(ctx.io, 'task.done', `task ${name} done on ${ctx.env.name}`);
  return { task: name, ok: true, destructive: task.destructive, hosts, recap: recap.hosts };
}
