/**
 * The variables every playbook gets from fragctl, in a vars file (0600, removed after the run),
 * never on the command line: every effective setting (group_vars/all.yml with the environment's
 * `settings:` overrides, the keys fragctl does not know included) plus the values fragctl computes.
 * `fragctl <env> config` shows the same two parts, `settings` and `computed`.
 */
import type { Context } from '../context.js';

/** group_vars/all.yml with the environment's overrides and fragctl's defaults: what `config` shows as settings. */
export function effectiveSettings(ctx: Pick<Context, 'env' | 'project'>): Record<string, unknown> {
  return { ...ctx.project.sharedRaw, ...ctx.env.settings };
}

/** What fragctl adds: the environment's name and what the stack's outputs say (empty before the stack exists). */
export function computedVars(ctx: Pick<Context, 'env'>, outputs: Record<string, string> | undefined): Record<string, unknown> {
  const o = outputs ?? {};
  const s = ctx.env.settings;
  return {
    app_name: s.app_name,
    env_name: ctx.env.name,
    db_host: o.DatabaseEndpoint ?? '',
    // moto reports 3306 for postgres through a stack; the reference database is PostgreSQL.
    db_port: Number(o.DatabasePort ?? 5432),
    db_name: o.DatabaseName ?? s.db_name,
    db_user: s.db_user,
    app_url: o.AppUrl ?? '',
    knowledge_host: o.KnowledgeHost ?? '',
    broker_host: o.BrokerHost ?? '',
  };
}

export function playbookVars(ctx: Pick<Context, 'env' | 'project'>, outputs: Record<string, string> | undefined): Record<string, unknown> {
  return { ...effectiveSettings(ctx), ...computedVars(ctx, outputs) };
}
