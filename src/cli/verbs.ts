/**
 * Every verb, with the one line --help shows and a lazy loader, so that `fragctl --help` and
 * completion never import a command module (or the AWS SDK).
 * scope: 'global' verbs take no environment (`fragctl envs`); 'env' verbs are `fragctl <env> <verb>`.
 * mutating: the verb changes something; it takes the environment's lock and writes a run record.
 */
import type { Platform } from '../core/config/project.js';
import { UserError } from '../core/errors.js';
import type { VerbEntry } from './verb.js';
import { AWS_VERBS } from './verbs/aws.js';
import { DEPLOY_VERBS } from './verbs/deploy.js';
import { KUBE_VERBS } from './verbs/kube.js';
import { OPS_VERBS } from './verbs/ops.js';

const ALL = ['aws', 'kubernetes', 'local'] as const;
const AWS = ['aws'] as const;

export const VERBS: VerbEntry[] = [
  {
    name: 'envs',
    summary: 'List the known environments with platform and protection',
    scope: 'global',
    mutating: false,
    platforms: ALL,
    load: () => import('./commands/envs.js'),
  },
  {
    name: 'config',
    summary: 'Show the effective settings of an environment (secrets redacted)',
    scope: 'env',
    mutating: false,
    platforms: ALL,
    load: () => import('./commands/config.js'),
  },
  {
    name: 'template',
    summary: 'Print the merged CloudFormation template',
    scope: 'env',
    mutating: false,
    platforms: AWS,
    load: () => import('./commands/template.js'),
  },
  {
    name: 'validate',
    summary: 'Run every local check and CloudFormation ValidateTemplate',
    scope: 'env',
    mutating: false,
    platforms: AWS,
    load: () => import('./commands/validate.js'),
  },
  ...AWS_VERBS,
  ...DEPLOY_VERBS,
  ...KUBE_VERBS,
  ...OPS_VERBS,
];

/** The entry for a verb, for a platform when one is known. */
export function findVerb(name: string, platform?: Platform): VerbEntry | undefined {
  const all = VERBS.filter((v) => v.name === name);
  return (platform && all.find((v) => v.platforms.includes(platform))) || all[0];
}

/**
 * The one refusal of a verb on a platform that does not have it (the table's `platforms`), before
 * anything is read from or done to the environment.
 */
export function refuseOtherPlatform(entry: VerbEntry, platform: Platform, envName: string): void {
  if (entry.platforms.includes(platform)) return;
  throw new UserError(`"${entry.name}" does not apply to ${platform} environments like ${envName}`, {
    hint: `it works on ${entry.platforms.join(', ')} environments; fragctl --help lists verbs`,
    code: 'USAGE',
  });
}

/** One line per verb name for help: summaries of per-platform entries joined. */
export function verbNames(): string[] {
  return [...new Set(VERBS.map((v) => v.name))];
}

/** The closest verb name, for "did you mean". */
export function suggestVerb(name: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const v of VERBS) {
    const d = distance(name, v.name);
    if (d <= 2 && (!best || d < best.d)) best = { name: v.name, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]!;
}
