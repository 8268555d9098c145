/** Issue 11: the formations: list, names shared between sections, dependency cycles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeFormations, selectFormations, buildTemplate } from '../../../src/core/formations/index.js';
import { UserError } from '../../../src/core/errors.js';

const f = (file: string, template: Record<string, unknown>) => ({ file, template });
const sg = (extra: Record<string, unknown> = {}, props: Record<string, unknown> = {}) => ({
  Type: 'AWS::EC2::SecurityGroup',
  ...extra,
  Properties: { GroupDescription: 'x', ...props },
});

function project(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-select-'));
  mkdirSync(join(dir, 'formations'));
  for (const name of files)
    writeFileSync(join(dir, 'formations', name), JSON.stringify({ Resources: { [name.replace(/\W/g, '')]: sg() } }));
  return dir;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('without a list: every template but image.json, sorted', () => {
  const dir = project(['b.json', 'a.yaml', 'image.json', 'notes.txt']);
  assert.deepEqual(selectFormations(dir), ['formations/a.yaml', 'formations/b.json']);
});

test('a list: its order, globs expanded (sorted), each file once, the rest left out', () => {
  const dir = project(['base.json', 'app.json', 'app-autoscaling.json', 'storage-assets.json', 'storage-logs.json', 'image.json']);
  const chosen = selectFormations(dir, { list: ['base.json', 'app.json', 'storage-*.json', 'base.json'] });
  assert.deepEqual(chosen, [
    'formations/base.json',
    'formations/app.json',
    'formations/storage-assets.json',
    'formations/storage-logs.json',
  ]);
  // Only the listed files are merged: app-autoscaling.json is not read.
  const t = buildTemplate(dir, { list: ['base.json', 'app.json'] });
  assert.deepEqual(Object.keys(t.Resources as object), ['appjson', 'basejson']);
});

test('a listed name that matches no file: one line naming the entry and where it is written, with a hint', () => {
  const dir = project(['base.json', 'app.json']);
  const e = userError(() => selectFormations(dir, { list: ['base.json', 'databse.json'], source: 'playbooks/group_vars/all.yml' }));
  assert.equal(e.message, 'formations: "databse.json" in playbooks/group_vars/all.yml matches no file in formations/');
  assert.match(e.hint ?? '', /formations\/ holds app\.json, base\.json/);
  assert.equal(e.exitCode, 2);
  assert.equal(userError(() => selectFormations(dir, { list: ['*.yaml'] })).code, 'FORMATION_MISSING');
  assert.match(userError(() => selectFormations(dir, { list: ['image.json'] })).message, /image\.json describes the image instance/);
});

test('a Parameter and a Resource with the same name is an error naming both files', () => {
  const e = userError(() =>
    mergeFormations([
      f('formations/params.json', { Parameters: { WorkerGroup: { Type: 'String' } } }),
      f('formations/workers.json', { Resources: { WorkerGroup: sg() } }),
    ]),
  );
  assert.equal(
    e.message,
    'logical ID WorkerGroup is both a Parameter (in formations/params.json) and a Resource (in formations/workers.json)',
  );
  assert.match(e.hint ?? '', /rename one/);
});

test('a dependency cycle through DependsOn and Ref names each step and its file', () => {
  const e = userError(() =>
    mergeFormations([
      f('formations/a.json', { Resources: { A: sg({ DependsOn: 'B' }) } }),
      f('formations/b.json', { Resources: { B: sg({}, { GroupDescription: { Ref: 'A' } }) } }),
    ]),
  );
  assert.equal(e.code, 'FORMATION_CYCLE');
  assert.match(e.message, /^dependency cycle between resources A → B → A: /);
  assert.match(e.message, /formations\/a\.json: DependsOn B at Resources\.A/);
  assert.match(e.message, /formations\/b\.json: Ref A at Resources\.B\.Properties\.GroupDescription/);
});

test('cycles through Fn::GetAtt and Fn::Sub are found; a chain without a cycle passes', () => {
  const e = userError(() =>
    mergeFormations([
      f('formations/x.json', {
        Resources: {
          X: sg({}, { GroupDescription: { 'Fn::Sub': '${Y.GroupId}-x' } }),
          Y: sg({}, { GroupDescription: { 'Fn::GetAtt': ['Z', 'GroupId'] } }),
          Z: sg({}, { GroupDescription: { 'Fn::Sub': ['${v}', { v: { Ref: 'X' } }] } }),
        },
      }),
    ]),
  );
  assert.match(e.message, /X → Y → Z → X/);
  assert.match(e.message, /Fn::Sub \$\{Y\.GroupId\}/);
  assert.match(e.message, /Fn::GetAtt Z/);
  const ok = mergeFormations([
    f('formations/x.json', { Resources: { X: sg({ DependsOn: ['Y'] }), Y: sg({}, { GroupDescription: { Ref: 'Z' } }), Z: sg() } }),
  ]);
  assert.deepEqual(Object.keys(ok.Resources as object), ['X', 'Y', 'Z']);
});
