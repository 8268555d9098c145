import { UserError } from '../errors.js';

/** The `index`th host (from 1) of a group's, for `ssh <group>/<n>`. */
export function pickHost<T>(list: T[], index: number, group: string, env: string): T {
  if (list.length === 0)
    throw new UserError(`group ${group} of ${env} has no running hosts`, { hint: `fragctl ${env} hosts lists them`, code: 'NO_HOSTS' });
  const h = list[index - 1];
  if (!h)
    throw new UserError(`group ${group} has ${list.length} host${list.length > 1 ? 's' : ''}, not ${index}`, {
      hint: `use ${group}/1 to ${group}/${list.length}`,
      code: 'NO_HOSTS',
    });
  return h;
}
