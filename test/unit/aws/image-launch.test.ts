/**
 * The image instance's launch spec from formations/image.json under the project's own parameter
 * names: a written setting beats image.json's Default, and the Default beats fragctl's own default.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageLaunchSpec } from '../../../src/core/aws/launch.js';
import { UserError } from '../../../src/core/errors.js';
import { testContext, SDK_MOCKED } from '../../helpers/context.js';
import { ROOT } from '../../helpers/cli.js';

const IMAGE_JSON = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {
    AppName: { Type: 'String' },
    SourceAMI: { Type: 'String', Default: 'ami-0base0001' },
    BuilderType: { Type: 'String', Default: 't2.micro' },
    KeyName: { Type: 'String' },
  },
  Resources: {
    Builder: {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: { Ref: 'SourceAMI' },
        InstanceType: { Ref: 'BuilderType' },
        KeyName: { Ref: 'KeyName' },
        Tags: [{ Key: 'Name', Value: { 'Fn::Sub': '${AppName}-builder' } }],
      },
    },
  },
};

/** The legacy fixture with its own image.json names; `settings` edits group_vars/all.yml. */
function project(settings: (yaml: string) => string, mapping = '  BaseImageId: SourceAMI\n  InstanceType: BuilderType\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-image-launch-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'legacy-aws'), dir, { recursive: true });
  writeFileSync(join(dir, 'formations', 'image.json'), JSON.stringify(IMAGE_JSON, null, 2));
  const vars = join(dir, 'playbooks', 'group_vars', 'all.yml');
  writeFileSync(vars, settings(readFileSync(vars, 'utf8')).replace('formation_parameters:\n', `formation_parameters:\n${mapping}`));
  return dir;
}
const spec = (dir: string) => imageLaunchSpec(testContext({ ...SDK_MOCKED, dir, env: 'demo' }));
const without =
  (...keys: string[]) =>
  (yaml: string) =>
    yaml.replace(new RegExp(`^(${keys.join('|')}):.*\\n`, 'gm'), '');

describe('the image instance from image.json, under the project own names', () => {
  it('maps BaseImageId and InstanceType to the template names; written settings win', () => {
    const s = spec(project((y) => y));
    assert.equal(s.imageId, 'ami-12c6146b');
    assert.equal(s.instanceType, 't2.small');
    assert.equal(s.keyName, 'legacy-deploy');
    assert.deepEqual(s.tags, { Name: 'legacy-builder' });
  });

  it("unwritten settings leave image.json's Defaults, not fragctl's built-in ones", () => {
    const s = spec(project(without('base_image_id', 'image_instance_type')));
    assert.equal(s.imageId, 'ami-0base0001');
    assert.equal(s.instanceType, 't2.micro');
  });

  it('a mapping to a parameter image.json does not declare is refused, naming what it declares', () => {
    assert.throws(
      () => spec(project((y) => y, '  BaseImageId: SourceImage\n')),
      (e: UserError) => {
        assert.equal(e.code, 'FORMATION_INVALID');
        assert.match(e.message, /formation_parameters\.BaseImageId maps to SourceImage, which formations\/image\.json does not declare/);
        assert.match(e.hint ?? '', /AppName, BuilderType, KeyName, SourceAMI/);
        return true;
      },
    );
  });
});
