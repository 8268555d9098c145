import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeFormations, readFormations, serializeTemplate, buildTemplate } from '../../../src/core/formations/index.js';
import { UserError } from '../../../src/core/errors.js';
import { ROOT } from '../../helpers/cli.js';

const f = (file: string, template: Record<string, unknown>) => ({ file, template });
const res = (type = 'AWS::SNS::Topic', props: Record<string, unknown> = {}) => ({ Type: type, Properties: props });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-formations-'));
  mkdirSync(join(dir, 'formations'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'formations', name), text);
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

test('merges every keyed section and sorts logical IDs', () => {
  const t = mergeFormations([
    f('formations/b.yaml', { Resources: { Zeta: res(), Alpha: res() }, Outputs: { Out: { Value: { Ref: 'Alpha' } } } }),
    f('formations/a.yaml', {
      Parameters: { P: { Type: 'String' } },
      Conditions: { C: { 'Fn::Equals': [{ Ref: 'P' }, 'x'] } },
      Resources: { Mid: res() },
    }),
  ]);
  assert.deepEqual(Object.keys(t), ['AWSTemplateFormatVersion', 'Parameters', 'Conditions', 'Resources', 'Outputs']);
  assert.deepEqual(Object.keys(t.Resources as object), ['Alpha', 'Mid', 'Zeta']);
});

test('a logical ID defined twice names the ID, the section and both files', () => {
  const e = userError(() =>
    mergeFormations([f('formations/a.yaml', { Resources: { Db: res() } }), f('formations/b.yaml', { Resources: { Db: res() } })]),
  );
  assert.match(e.message, /logical ID Db in Resources is defined twice: in formations\/a\.yaml and in formations\/b\.yaml/);
  assert.equal(e.exitCode, 2);
});

test('identical parameters merge; differing ones are an error', () => {
  const p = { Type: 'String', Default: 'x' };
  const ok = mergeFormations([
    f('a.yaml', { Parameters: { App: p }, Resources: { A: res() } }),
    f('b.yaml', { Parameters: { App: { ...p } }, Resources: { B: res() } }),
  ]);
  assert.deepEqual(Object.keys(ok.Parameters as object), ['App']);
  const e = userError(() =>
    mergeFormations([
      f('a.yaml', { Parameters: { App: p }, Resources: { A: res() } }),
      f('b.yaml', { Parameters: { App: { Type: 'Number' } } }),
    ]),
  );
  assert.match(e.message, /App in Parameters is defined differently: in a\.yaml and in b\.yaml/);
});

test('dangling references are errors naming the file and the path', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [
      { Resources: { A: res('AWS::SNS::Topic', { TopicName: { Ref: 'Nope' } }) } },
      /x\.yaml: Resources\.A\.Properties\.TopicName: Ref to unknown parameter or resource "Nope"/,
    ],
    [
      { Resources: { A: res('AWS::SNS::Topic', { TopicName: { 'Fn::GetAtt': ['Ghost', 'Arn'] } }) } },
      /Fn::GetAtt to unknown resource "Ghost"/,
    ],
    [
      { Resources: { A: res('AWS::SNS::Topic', { TopicName: { 'Fn::Sub': '${Missing}-x' } }) } },
      /Fn::Sub to unknown parameter or resource "Missing"/,
    ],
    [{ Resources: { A: { ...res(), DependsOn: ['Other'] } } }, /Resources\.A\.DependsOn: DependsOn to unknown resource "Other"/],
    [{ Resources: { A: { ...res(), Condition: 'NoCond' } } }, /Condition to unknown condition "NoCond"/],
    [
      { Resources: { A: res('AWS::SNS::Topic', { TopicName: { 'Fn::FindInMap': ['NoMap', 'a', 'b'] } }) } },
      /Fn::FindInMap to unknown mapping "NoMap"/,
    ],
    [
      { Resources: { A: res('AWS::SNS::Topic', { TopicName: { 'Fn::If': ['NoCond', 'a', 'b'] } }) } },
      /Fn::If to unknown condition "NoCond"/,
    ],
  ];
  for (const [template, pattern] of cases) {
    const e = userError(() => mergeFormations([f('x.yaml', template)]));
    assert.match(e.message, pattern);
    assert.equal(e.code, 'FORMATION_DANGLING');
  }
});

test('pseudo parameters, Sub literals and Sub local variables are not dangling', () => {
  const t = mergeFormations([
    f('x.yaml', {
      Resources: {
        A: res('AWS::SNS::Topic', {
          TopicName: { 'Fn::Sub': ['${AWS::StackName}-${Local}-${!Literal}', { Local: 'v' }] },
          DisplayName: { 'Fn::Sub': '${B.TopicName}' },
        }),
        B: res(),
      },
    }),
  ]);
  assert.ok(t.Resources);
});

test('YAML short forms are read and written back as short forms', () => {
  const dir = project({
    'a.yaml':
      'Parameters:\n  Env: {Type: String}\nConditions:\n  Prod: !Equals [!Ref Env, production]\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub "${Env}-topic"\n      DisplayName: !If [Prod, !GetAtt U.TopicName, !Ref "AWS::NoValue"]\n  U:\n    Type: AWS::SNS::Topic\n',
  });
  const template = buildTemplate(dir);
  const t = (template.Resources as Record<string, { Properties: Record<string, unknown> }>).T!;
  assert.deepEqual(t.Properties.TopicName, { 'Fn::Sub': '${Env}-topic' });
  assert.deepEqual(t.Properties.DisplayName, { 'Fn::If': ['Prod', { 'Fn::GetAtt': ['U', 'TopicName'] }, { Ref: 'AWS::NoValue' }] });
  const yaml = serializeTemplate(template, 'yaml');
  assert.match(yaml, /TopicName: !Sub '?\$\{Env\}-topic'?\n/);
  assert.match(yaml, /!GetAtt U\.TopicName/);
  assert.match(yaml, /Prod: !Equals/);
});

test('syntax errors name file, line and column', () => {
  const yamlDir = project({ 'bad.yaml': 'Resources:\n  A:\n    Type: [unclosed\n' });
  assert.match(userError(() => readFormations(yamlDir)).message, /^formations\/bad\.yaml:\d+:\d+: /);
  const jsonDir = project({ 'bad.json': '{\n  "Resources": {\n    "A": { "Type": "x" },\n  }\n}\n' });
  assert.match(userError(() => readFormations(jsonDir)).message, /^formations\/bad\.json:4:3: /);
});

test('an empty formations folder is a user error; image.json alone does not count', () => {
  const dir = project({ 'image.json': '{"Resources": {"I": {"Type": "AWS::EC2::Instance"}}}' });
  const e = userError(() => readFormations(dir));
  assert.equal(e.code, 'FORMATIONS_EMPTY');
});

test('the reference project merges deterministically, whatever the files were copied as', () => {
  const a = serializeTemplate(buildTemplate(ROOT), 'json');
  const copy = mkdtempSync(join(tmpdir(), 'fragctl-copy-'));
  cpSync(join(ROOT, 'formations'), join(copy, 'formations'), { recursive: true });
  const b = serializeTemplate(buildTemplate(copy), 'json');
  assert.equal(a, b);
  const template = JSON.parse(a) as { Resources: Record<string, unknown>; Parameters: Record<string, { NoEcho?: boolean }> };
  assert.ok(template.Resources.Database && template.Resources.AppGroup && template.Resources.KnowledgeServer && template.Resources.Broker);
  assert.equal(template.Parameters.DbPassword?.NoEcho, true);
  assert.equal(template.Resources.ImageInstance, undefined, 'image.json is not merged');
});
