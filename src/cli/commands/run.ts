import { defineVerb } from '../verb.js';
import { listTasks, parseExtraVars, runTask } from '../../core/deploy/tasks.js';
import { table } from '../render.js';

export default defineVerb<{ limit?: string; check?: boolean; list?: boolean; extraVars: string[] }>({
  dryRun: true,
  arguments: '[task]',
  configure(cmd) {
    cmd
      .option('--list', 'list the tasks (playbooks/tasks/*.yml)')
      .option('--limit <host>', 'only these hosts')
      .option('--check', "Ansible's check mode")
      .option(
        '-e, --extra-vars <key=value>',
        'a variable for the task, over the settings (repeatable)',
        (v: string, all: string[]) => [...all, v],
        [],
      );
  },
  async before(_run, opts) {
    parseExtraVars(opts.extraVars); // a malformed -e is refused before the lock and the record
  },
  async run(run, opts, args) {
    const ctx = run.context();
    const task = args[0];
    if (opts.list || !task) {
      const tasks = await listTasks(ctx);
      if (run.global.json) run.io.json(tasks);
      else
        run.io.result(
          table(
            ['TASK', 'HOSTS', 'DESTRUCTIVE', 'DESCRIPTION'],
            tasks.map((t) => [t.name, t.groups.join(','), t.destructive ? 'yes' : 'no', t.description]),
          ),
        );
      return;
    }
    const result = await runTask(ctx, task, {
      limit: opts.limit,
      check: opts.check || run.global.dryRun,
      extraVars: parseExtraVars(opts.extraVars),
    });
    if (run.global.json) run.io.json(result);
    else run.io.result(`task ${result.task} done on ${result.hosts.length} host(s): ${result.hosts.join(', ')}`);
  },
});
