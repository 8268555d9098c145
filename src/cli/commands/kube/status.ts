import { defineVerb } from '../../verb.js';
import { kubeStatus } from '../../../core/kube/status.js';
import { table } from '../../render.js';

export default defineVerb({
  async run(run) {
    const s = await kubeStatus(run.context());
    if (run.global.json) return run.io.json(s);
    const lines = [`namespace: ${s.namespace}${s.deployed ? '' : ' (not deployed)'}`, `url:       ${s.url}`];
    if (s.lastDeploy)
      lines.push(
        `last:      release ${s.lastDeploy.version} ${s.lastDeploy.verb} (${s.lastDeploy.status}) ${s.lastDeploy.image ?? ''} by ${s.lastDeploy.who} at ${s.lastDeploy.when}`,
      );
    if (s.workloads.length)
      lines.push(
        '',
        table(
          ['WORKLOAD', 'IMAGE', 'READY', 'STATE'],
          s.workloads.map((w) => [
            `${w.kind.toLowerCase()}/${w.name}`,
            w.image,
            `${w.ready}/${w.replicas}`,
            w.rolledOut ? 'ok' : w.message,
          ]),
        ),
      );
    if (s.cronJobs.length)
      lines.push(
        '',
        table(
          ['CRONJOB', 'TASK', 'SCHEDULE', 'LAST RUN'],
          s.cronJobs.map((c) => [c.name, c.task, `${c.schedule}${c.suspended ? ' (suspended)' : ''}`, c.lastSchedule ?? 'never']),
        ),
      );
    if (s.jobs.length)
      lines.push(
        '',
        table(
          ['JOB', 'TASK', 'STATE', 'AGE'],
          s.jobs.map((j) => [j.name, j.task, j.state, j.age]),
        ),
      );
    run.io.result(lines.join('\n'));
  },
});
