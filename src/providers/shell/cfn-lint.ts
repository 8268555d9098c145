/** The cfn-lint invocation fragctl makes: one template file, JSON findings. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workingDir } from '../../core/environ.js';
import { OperationError, UserError } from '../../core/errors.js';
import { homeDir } from '../../core/settings.js';
import { exec, which } from './exec.js';

export interface LintFinding {
  rule: string;
  level: 'Error' | 'Warning' | 'Informational';
  message: string;
  /** Path inside the template, e.g. ['Resources', 'AppGroup', 'Properties']. */
  path: Array<string | number>;
}

/** The cfn-lint executable on PATH, or undefined when it is not installed. */
export function cfnLintBinary(): string | undefined {
  try {
    return which('cfn-lint');
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
}

interface RawFinding {
  Level?: string;
  Message?: string;
  Rule?: { Id?: string };
  Location?: { Path?: Array<string | number> };
}

/** Runs cfn-lint on a template file. Exit codes 2/4/8 mean findings; anything not JSON on stdout is a failure. */
export async function cfnLint(bin: string, file: string, region: string): Promise<LintFinding[]> {
  const r = await exec(bin, ['--format', 'json', '--regions', region, '--', file]);
  let raw: unknown;
  try {
    raw = JSON.parse(r.stdout || '[]');
  } catch {
    raw = undefined;
  }
  if (!Array.isArray(raw)) {
    const reason = (r.stderr || r.stdout).trim().split('\n').at(-1) ?? `exit ${r.exitCode}`;
    // A .cfnlintrc it cannot read (a typo in a key, bad YAML) fails every run the same way.
    const configs = cfnLintConfigFiles().map(({ path }) =>
      relative(workingDir(), path).startsWith('..') ? path : relative(workingDir(), path),
    );
    throw new OperationError(`cfn-lint could not check the template: ${reason}`, {
      hint: configs.length
        ? `cfn-lint read ${configs.join(' and ')}: check it (\`cfn-lint --version\` tells whether cfn-lint itself runs)`
        : 'run `cfn-lint --version`; reinstall it with `bash scripts/setup.sh`',
      code: 'CFN_LINT_FAILED',
    });
  }
  return (raw as RawFinding[]).map((f) => ({
    rule: f.Rule?.Id ?? '?',
    level: f.Level === 'Error' || f.Level === 'Warning' ? f.Level : 'Informational',
    message: f.Message ?? '',
    path: f.Location?.Path ?? [],
  }));
}

/** Settings in a .cfnlintrc that name other files (rules, specifications, schemas) cfn-lint reads. */
const NAMES_FILES = /\b(append_rules|override_spec|custom_rules|registry_schemas)\b/;

/**
 * The .cfnlintrc files cfn-lint reads besides its arguments, as it finds them: the first of
 * `.cfnlintrc`, `.cfnlintrc.yaml`, `.cfnlintrc.yml` in the user's home, then in the working directory.
 */
function cfnLintConfigFiles(): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  for (const dir of [homeDir(), workingDir()]) {
    for (const name of ['.cfnlintrc', '.cfnlintrc.yaml', '.cfnlintrc.yml']) {
      try {
        found.push({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') });
        break;
      } catch {
        // not there: the next name
      }
    }
  }
  return found;
}

/**
 * The configuration cfn-lint reads, each path with its content, for a key of what its findings depend
 * on. Undefined when a file names other files (custom rules, an override spec): their content is not
 * here, so findings cannot be keyed by this.
 */
export function cfnLintConfig(): string[] | undefined {
  const files = cfnLintConfigFiles();
  if (files.some((f) => NAMES_FILES.test(f.text))) return undefined;
  return files.flatMap((f) => [f.path, f.text]);
}
