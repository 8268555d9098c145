import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfnLint, cfnLintBinary, cfnLintConfig, type LintFinding } from '../../providers/shell/cfn-lint.js';
import { recall, remember } from '../kept.js';
import { userCacheDir } from '../settings.js';
import { formationOf } from './merge.js';
import type { Template } from './read.js';

export interface TemplateLint {
  /** The checker that ran, or null when cfn-lint is not installed. */
  checker: 'cfn-lint' | null;
  errors: string[];
  warnings: string[];
  /** The warnings' bare messages, to recognise them in another tool's answer. */
  warningMessages: string[];
}

/**
 * cfn-lint on the merged template, when it is installed. Each finding names its rule, the
 * formation the logical ID came from and the path inside it, e.g.
 * `E3004 formations/app.json: Resources.AppServer: Circular Dependencies …`.
 */
export async function lintTemplate(template: Template, region: string, opts: { cacheFile?: string } = {}): Promise<TemplateLint> {
  const bin = cfnLintBinary();
  if (!bin) return { checker: null, errors: [], warnings: [], warningMessages: [] };
  const config = opts.cacheFile ? cfnLintConfig() : undefined;
  const cache = opts.cacheFile && config ? { file: opts.cacheFile, key: lintKey(template, region, bin, config) } : undefined;
  const cached = cache && recall(cache.file, cache.key, isFindings);
  const findings = cached ?? (await runLint(bin, template, region));
  // Only a template without errors is remembered: bad input leaves nothing behind.
  if (cache && !cached && !findings.some((f) => f.level === 'Error')) remember(cache.file, cache.key, findings, KEPT, isFindings);
  const line = (f: (typeof findings)[number]): string => {
    const [section, id] = f.path.map(String);
    const origin = section && id ? formationOf(template, section, id) : undefined;
    const where = f.path.length ? `${origin ? `${origin}: ` : ''}${f.path.join('.')}: ` : '';
    return `${f.rule} ${where}${f.message}`;
  };
  return {
    checker: 'cfn-lint',
    errors: findings.filter((f) => f.level === 'Error').map(line),
    warnings: findings.filter((f) => f.level === 'Warning').map(line),
    warningMessages: findings.filter((f) => f.level === 'Warning').map((f) => `${f.rule} ${f.message}`),
  };
}

/**
 * Where fragctl keeps the findings of templates cfn-lint passed, for every project of the user: `plan`
 * and `validate` lint the same merged template, and so do other clones of the same repository; an
 * unchanged one is not linted again (cfn-lint costs about 1.5 s of CPU a run). The key is the
 * template, the region, the cfn-lint program itself and the .cfnlintrc files it reads (the user's
 * and the project's), everything its findings depend on. A .cfnlintrc that names other files
 * (custom rules, an override spec) turns the cache off: their changes would not show in the key.
 */
export function lintCacheFile(): string {
  return join(userCacheDir(), 'linted.json');
}

/** How many linted templates are kept (the newest). */
const KEPT = 32;

function lintKey(template: Template, region: string, bin: string, config: string[]): string {
  const program = realpathSync(bin);
  const { size, mtimeMs } = statSync(program);
  return createHash('sha256')
    .update(JSON.stringify([template, region, program, size, mtimeMs, config]))
    .digest('hex');
}

const isFindings = (v: unknown): v is LintFinding[] =>
  Array.isArray(v) &&
  v.every((f: Partial<LintFinding>) => typeof f.rule === 'string' && typeof f.message === 'string' && Array.isArray(f.path));

async function runLint(bin: string, template: Template, region: string): Promise<LintFinding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lint-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template, null, 2));
    return await cfnLint(bin, file, region);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
