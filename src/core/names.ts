import { UserError } from './errors.js';

/**
 * The naming and tagging contract every verb relies on (see "Names and tags" in docs/aws.md).
 * The stack is `<app>-<env>`; every taggable resource carries Name=<app>-<env>-<group>, App, Env, Group.
 */
export const GROUPS = ['database', 'app', 'knowledge', 'broker', 'worker'] as const;
export type Group = (typeof GROUPS)[number];

export const stackName = (app: string, env: string): string => `${app}-${env}`;
export const hostName = (app: string, env: string, group: string): string => `${app}-${env}-${group}`;
export const imageName = (app: string): string => `${app}-image`;
export const imageInstanceName = (app: string): string => `${app}-image-builder`;
export const stateTableName = (app: string): string => `${app}-fragctl`;

export function tagsFor(app: string, env: string, group: string): Record<string, string> {
  return { Name: hostName(app, env, group), App: app, Env: env, Group: group };
}

/**
 * Classic load balancer names are limited to 32 characters, the tightest limit among the names
 * fragctl derives (`<app>-<env>-lb`). Refuse before anything is created.
 */
const LONGEST_SUFFIX = '-lb';
export const MAX_NAME = 32;

export function checkNameBudget(app: string, env: string): void {
  const longest = `${stackName(app, env)}${LONGEST_SUFFIX}`;
  if (longest.length > MAX_NAME) {
    throw new UserError(`environment name "${env}" is too long: "${longest}" exceeds ${MAX_NAME} characters`, {
      hint: `use at most ${MAX_NAME - app.length - 1 - LONGEST_SUFFIX.length} characters for environments of ${app}`,
      code: 'ENV_NAME',
    });
  }
}
