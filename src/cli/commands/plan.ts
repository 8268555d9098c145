import chalk from 'chalk';
import { defineVerb } from '../verb.js';
import { plan } from '../../core/plan/plan.js';
import type { PlanResult } from '../../core/plan/types.js';
import { table } from '../render.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { changeTable } from '../change-table.js';

interface Opts {
  ansibleCheck?: boolean;
  image?: string;
  tag?: string;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('--ansible-check', "add Ansible's check-and-diff per role (AWS and local)")
      .option('--image <ref>', 'Kubernetes: the image a deploy would apply')
      .option('--tag <tag>', 'Kubernetes: the tag a deploy would apply');
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const result = await plan(ctx, { ansibleCheck: opts.ansibleCheck, image: opts.image, tag: opts.tag });
      if (run.global.json) run.io.json(result);
      else run.io.result(render(result));
      return result.ansibleCheck && !result.ansibleCheck.ok ? 1 : 0;
    } finally {
      emitCallCounts(ctx); // AWS calls only: a Kubernetes or local plan makes none and emits nothing
    }
  },
});

export function render(r: PlanResult): string {
  const out: string[] = [chalk.bold(`Plan for ${r.env} (${r.platform}); nothing was changed`)];
  if (r.template) {
    const checked = r.template.checker ? `checked by ${r.template.checker}` : 'checked by fragctl (cfn-lint is not installed)';
    out.push(
      `\n${chalk.bold('Template')}: ${checked}, ${r.template.warnings.length ? chalk.yellow(`${r.template.warnings.length} warning(s)`) : 'no warnings'}`,
    );
    for (const w of r.template.warnings) out.push(`  ${chalk.yellow('warning')} ${w}`);
  }
  if (r.image) {
    out.push(`\n${chalk.bold('Image')}: ${r.image.needsBake ? chalk.yellow('bake needed') : 'no bake needed'} (${r.image.reason})`);
  }
  if (r.stack) {
    const s = r.stack;
    const word = s.action === 'create' ? chalk.green('create') : s.action === 'update' ? chalk.yellow('update') : 'unchanged';
    out.push(
      `\n${chalk.bold('Stack')} ${s.name}: ${word}${s.changes.length ? ` (${s.changes.length} change${s.changes.length === 1 ? '' : 's'})` : ''}`,
    );
    if (s.changes.length || s.parameters.length) out.push(changeTable(s.changes, s.parameters));
    if (s.outputChanges.length) out.push(`outputs changed: ${s.outputChanges.join(', ')}`);
    if (s.tagChanges.length) out.push(`tags changed: ${s.tagChanges.join(', ')}`);
    for (const c of s.capabilities)
      out.push(`${chalk.yellow('needs')} ${c.capability}: ${c.because.join(', ')} (update and commission ask before passing it)`);
  }
  if (r.objects) {
    const changing = r.objects.filter((o) => o.action !== 'unchanged').length;
    out.push(`\n${chalk.bold('Kubernetes objects')} (server-side dry run): ${changing ? `${changing} to create or update` : 'no change'}`);
    const reasons = r.objects.some((o) => o.reason);
    out.push(
      table(
        ['ACTION', 'KIND', 'NAME', ...(reasons ? ['WHY'] : [])],
        r.objects.map((o) => [o.action, o.kind, o.name, ...(reasons ? [o.reason ?? ''] : [])]),
      ),
    );
    for (const o of r.objects.filter((x) => x.changes?.length)) {
      out.push(
        `${o.kind} ${o.name}:`,
        ...o.changes!.map((c) => `  ${c.path}: ${JSON.stringify(c.before) ?? '(none)'} → ${JSON.stringify(c.after) ?? '(none)'}`),
      );
    }
  }
  if (r.roles) {
    out.push(`\n${chalk.bold('Deploy')}: the hosts each role would reach`);
    out.push(
      table(
        ['ROLE', 'PLAYBOOK', 'HOSTS'],
        r.roles.map((x) => [x.role, x.playbook, x.hosts.length ? x.hosts.join(', ') : '(none)']),
      ),
    );
  }
  if (r.ansibleCheck) {
    out.push(`\n${chalk.bold('Ansible check')}: ${r.ansibleCheck.ok ? 'ok' : chalk.red('failed')}`);
    out.push(
      table(
        ['HOST', 'STATUS', 'WOULD CHANGE', 'FAILED', 'UNREACHABLE'],
        r.ansibleCheck.hosts.map((h) => [h.name, h.status, h.changed, h.failed, h.unreachable]),
      ),
    );
  }
  for (const n of r.notes) out.push(`\n${chalk.dim('note:')} ${n}`);
  return out.join('\n');
}
