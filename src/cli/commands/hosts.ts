import { defineVerb } from '../verb.js';
import { listHosts } from '../../core/hosts/list.js';
import { table } from '../render.js';

export default defineVerb<{ group?: string }>({
  configure(cmd) {
    cmd.option('--group <group>', 'only this group (app, knowledge, broker, worker, ...)');
  },
  async run(run, opts) {
    const hosts = await listHosts(run.context(), { group: opts.group });
    if (run.global.json) run.io.json(hosts);
    else if (hosts.length === 0) run.io.result(`no hosts in ${run.envName}${opts.group ? ` (group ${opts.group})` : ''}`);
    else {
      run.io.result(
        table(
          ['GROUP', 'NAME', 'INSTANCE', 'STATE', 'PRIVATE', 'PUBLIC', 'LAUNCHED'],
          hosts.map((h) => [
            h.group,
            h.name,
            h.instanceId,
            h.state,
            h.privateIp,
            h.publicDns ?? h.publicIp,
            h.launchTime?.replace(/\.\d+Z$/, 'Z'),
          ]),
        ),
      );
    }
  },
});
