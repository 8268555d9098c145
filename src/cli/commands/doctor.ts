import chalk from 'chalk';
import { defineVerb } from '../verb.js';
import { doctor } from '../../core/doctor/doctor.js';
import { emitCallCounts } from '../../core/aws/preflight.js';

interface Opts {
  fix?: boolean;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd.option('--fix', 'apply each fix after confirming it (--yes confirms all, for scripts)');
  },
  async run(run, opts) {
    const ctx = run.context();
    const r = await doctor(ctx, { fix: !!opts.fix, args: run.argv }).finally(() => emitCallCounts(ctx));
    if (run.global.json) {
      run.io.json(r);
      return r.ok ? 0 : 1;
    }
    const lines: string[] = [];
    if (!r.findings.length) lines.push(`${chalk.green('✔')} ${r.env}: nothing stuck (checked ${r.checked.join(', ')})`);
    for (const f of r.findings) {
      const mark = f.result === 'fixed' ? chalk.green('fixed') : f.result ? chalk.yellow(f.result) : chalk.red('stuck');
      lines.push(`${mark}  ${chalk.bold(f.subject)} [${f.code}]`, `  problem: ${f.problem}`, `  fix:     ${f.fix}`);
      if (f.detail) lines.push(`  result:  ${f.detail}`);
      if (f.now) lines.push(`  now:     ${f.now}`);
    }
    for (const n of r.notes) lines.push(`${chalk.dim('note:')} ${n}`);
    if (r.findings.some((f) => !f.result && f.fixable))
      lines.push(chalk.dim(`run fragctl ${r.env} doctor --fix to apply the fixes (each is confirmed first)`));
    run.io.result(lines.join('\n'));
    return r.ok ? 0 : 1;
  },
});
