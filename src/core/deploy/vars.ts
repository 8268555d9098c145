/** The variables every playbook gets from fragctl (in a vars file, never on the command line). */
import type { Context } from '../context.js';

export function playbookVars(ctx: Context, outputs: Record<string, string> | undefined): Record<string, unknown> {
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
