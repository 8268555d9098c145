/**
 * Merge benchmark: 200 generated formation files with 2,000 resources in total, merged
 * in-process (read + parse + merge + reference check + serialize). Target: under 300 ms.
 * Baseline in the same run: reading and JSON.parse-ing the same files alone.
 */
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTemplate, serializeTemplate } from '../src/core/formations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fragctl-bench-merge-'));
mkdirSync(join(dir, 'formations'));
for (let f = 0; f < 200; f++) {
  const resources: Record<string, unknown> = {};
  for (let r = 0; r < 10; r++) {
    const id = `Topic${f}x${r}`;
    resources[id] = {
      Type: 'AWS::SNS::Topic',
      DependsOn: r > 0 ? [`Topic${f}x${r - 1}`] : [],
      Properties: { TopicName: { 'Fn::Sub': `\${App}-${id}` }, DisplayName: { Ref: 'App' }, Tags: [{ Key: 'App', Value: { Ref: 'App' } }] },
    };
  }
  const template = {
    Parameters: { App: { Type: 'String' } },
    Resources: resources,
    Outputs: { [`Out${f}`]: { Value: { 'Fn::GetAtt': [`Topic${f}x0`, 'TopicArn'] } } },
  };
  const name = `f${String(f).padStart(3, '0')}`;
  if (f % 2) writeFileSync(join(dir, 'formations', `${name}.json`), JSON.stringify(template));
  else writeFileSync(join(dir, 'formations', `${name}.yaml`), toYaml(template));
}

function toYaml(t: unknown): string {
  // JSON is valid YAML; write it in flow style so the YAML parser does the work.
  return JSON.stringify(t, null, 1);
}

const time = (fn: () => void): number => {
  const s = performance.now();
  fn();
  return performance.now() - s;
};
const runs: number[] = [];
const bases: number[] = [];
for (let i = 0; i < 7; i++) {
  bases.push(time(() => readdirSync(join(dir, 'formations')).forEach((n) => JSON.parse(readFileSync(join(dir, 'formations', n), 'utf8')))));
  runs.push(time(() => serializeTemplate(buildTemplate(dir), 'json')));
}
const med = (a: number[]): number => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const ms = med(runs);
const base = med(bases);
const count = Object.keys(buildTemplate(dir).Resources as object).length;
console.log(
  `merge 200 files / ${count} resources: ${ms.toFixed(1)} ms (target < 300 ms) ${ms < 300 ? 'ok' : 'OVER'}; read+JSON.parse alone ${base.toFixed(1)} ms (${(ms / base).toFixed(1)}×)`,
);
process.exitCode = ms < 300 && count === 2000 ? 0 : 1;
