import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfnLint, cfnLintBinary } from '../../providers/shell/cfn-lint.js';
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
export async function lintTemplate(template: Template, region: string): Promise<TemplateLint> {
  const bin = cfnLintBinary();
  if (!bin) return { checker: null, errors: [], warnings: [], warningMessages: [] };
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lint-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template, null, 2));
    const findings = await cfnLint(bin, file, region);
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
