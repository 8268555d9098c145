import type { CliRun } from './verb.js';
import type { VerbEntry } from './verbs.js';

/**
 * Wraps every verb run. For mutating env verbs this is where the environment's lock is taken and
 * the run record is written (issue: operating safely as a team).
 */
export async function guardRun(_run: CliRun, _entry: VerbEntry, body: () => Promise<number | void>): Promise<number | void> {
  return body();
}
