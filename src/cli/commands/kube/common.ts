/**
 * Option parsers shared by the Kubernetes command files. They run while the command line is
 * parsed, before the run takes the environment's lock (which may create the namespace), so that
 * bad input is refused with nothing changed anywhere.
 */
import { checkTag, parseImageRef } from '../../../core/kube/image.js';
import type { PlanItem } from '../../../core/kube/plan.js';
import { table } from '../../render.js';
import { parseDuration } from '../../../core/kube/watch.js';

export const tagArg = (value: string): string => {
  checkTag(value);
  return value;
};

export const imageArg = (value: string): string => {
  parseImageRef(value, '--image');
  return value;
};

export const durationArg = (value: string): number => parseDuration(value);

/** The help of --force-conflicts, the same on every verb that applies. */
export const FORCE_CONFLICTS_HELP =
  'take over fields that another field manager owns (kubectl scale, an autoscaler); without it such a conflict stops the verb and names field and manager';

/** What a --dry-run would do, one row per object: kind, name, action, and the changed fields or the server's reason. */
export const planTable = (items: PlanItem[]): string =>
  table(
    ['KIND', 'NAME', 'ACTION', 'WHY'],
    items.map((p) => [p.kind, p.name, p.action, p.reason ?? (p.changes ?? []).map((c) => c.path).join(', ')]),
  );
