import chalk from 'chalk';
import { globalOptionsHelp } from './global-options.js';
import { VERBS } from './verbs.js';

/** Top-level help, drawn from the verb table alone so that it loads nothing else. */
export function topLevelHelp(version: string): string {
  const rows = (scope: 'global' | 'env'): string =>
    VERBS.filter((v) => v.scope === scope)
      .filter((v, i, all) => all.findIndex((w) => w.name === v.name) === i)
      .map((v) => {
        const entries = VERBS.filter((w) => w.name === v.name);
        const platforms = [...new Set(entries.flatMap((w) => w.platforms))];
        // A verb with one entry per platform is described by its AWS entry, the first platform.
        const summary = (entries.find((w) => w.platforms.includes('aws')) ?? v).summary;
        return `  ${v.name.padEnd(16)} ${summary}${platforms.length < 3 ? chalk.dim(` [${platforms.join(', ')}]`) : ''}`;
      })
      .join('\n');
  return `fragctl ${version} — take an application from nothing to running and back, on AWS and Kubernetes

${chalk.bold('Usage')}
  fragctl [options] <env> <verb> [verb options]
  fragctl [options] <command>

${chalk.bold('Commands')}
${rows('global')}

${chalk.bold('Environment verbs')} (fragctl <env> <verb>)
${rows('env')}

${chalk.bold('Global options')}
${globalOptionsHelp()}

${chalk.bold('Exit codes')}
  0 done · 1 the operation failed · 2 bad usage or bad input · 130 interrupted
`;
}
