import { defineVerb } from '../verb.js';
import { status } from '../../core/aws/status.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { table } from '../render.js';

export default defineVerb<{ watch?: boolean }>({
  configure(cmd) {
    cmd.option('-w, --watch', 'follow an operation in progress until it ends, streaming its events');
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await status(ctx, { watch: !!opts.watch });
      if (run.global.json) return run.io.json(r);
      if (!r.exists) return run.io.result(`${r.environment}: stack ${r.stack} does not exist (not commissioned)`);
      const out = [
        `${r.environment}: stack ${r.stack} ${r.status}${r.reason ? ` (${r.reason})` : ''}${r.protected ? ', termination protection on' : ''}`,
      ];
      if (r.image)
        out.push(
          `image: ${r.image.imageId}${r.image.name ? ` ${r.image.name}` : ''}${r.image.ageDays !== undefined ? `, ${r.image.ageDays} day(s) old` : ''}`,
        );
      const hosts = Object.entries(r.hosts).sort(([a], [b]) => a.localeCompare(b));
      if (hosts.length)
        out.push(
          '',
          table(
            ['GROUP', 'INSTANCE', 'STATE', 'ADDRESS', 'PRIVATE'],
            hosts.flatMap(([g, hs]) => hs.map((h) => [g, h.id, h.state, h.address, h.privateAddress])),
          ),
        );
      const scaling = Object.entries(r.scaling);
      if (scaling.length)
        out.push(
          '',
          table(
            ['GROUP', 'AUTOSCALING GROUP', 'DESIRED', 'MIN', 'MAX', 'INSTANCES'],
            scaling.map(([g, a]) => [g, a.name, a.desired, a.min, a.max, a.instances]),
          ),
        );
      const outputs = Object.entries(r.outputs);
      if (outputs.length) out.push('', table(['OUTPUT', 'VALUE'], outputs));
      if (r.events.length)
        out.push(
          '',
          table(
            ['TIME', 'LOGICAL ID', 'STATUS', 'REASON'],
            r.events.map((e) => [eventTime(e.time), e.logicalId as string, e.status as string, e.reason as string]),
          ),
        );
      run.io.result(out.join('\n'));
    } finally {
      emitCallCounts(ctx);
    }
  },
});

/** An event's time as `YYYY-MM-DDTHH:MM:SS`: a Date or an ISO string, never `[object Object]`. */
function eventTime(t: unknown): string {
  const iso = t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : '';
  return iso.slice(0, 19);
}
