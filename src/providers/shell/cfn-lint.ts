/** The cfn-lint invocation fragctl makes: one template file, JSON findings. */
import { OperationError, UserError } from '../../core/errors.js';
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
    throw new OperationError(`cfn-lint could not check the template: ${reason}`, {
      hint: 'run `cfn-lint --version`; reinstall it with `bash scripts/setup.sh`',
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
