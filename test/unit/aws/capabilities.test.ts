/** What the merged template needs acknowledged, and the salted secret hashes kept on the stack. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requiredCapabilities } from '../../../src/core/aws/capabilities.js';
import { secretHashes } from '../../../src/core/aws/secret-hashes.js';
import { buildTemplate } from '../../../src/core/formations/index.js';
import { ROOT } from '../../helpers/cli.js';

describe('requiredCapabilities', () => {
  it('the reference formations need none', () => {
    assert.deepEqual(requiredCapabilities(buildTemplate(ROOT)), []);
  });

  it('IAM resources, named IAM resources, transforms, macros, serverless and nested stacks', () => {
    const needs = requiredCapabilities({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [] } },
        Named: { Type: 'AWS::IAM::User', Properties: { UserName: 'deployer' } },
        Fn: { Type: 'AWS::Serverless::Function' },
        Child: { Type: 'AWS::CloudFormation::Stack' },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { 'Fn::Transform': { Name: 'AddTags' } } },
      },
    });
    assert.deepEqual(needs, [
      { capability: 'CAPABILITY_IAM', because: ['Profile (AWS::IAM::InstanceProfile)', 'Named (AWS::IAM::User)'] },
      { capability: 'CAPABILITY_NAMED_IAM', because: ['Named (AWS::IAM::User, UserName)'] },
      {
        capability: 'CAPABILITY_AUTO_EXPAND',
        because: [
          'Transform AWS::Serverless-2016-10-31',
          'Fn (AWS::Serverless::Function)',
          'Child (AWS::CloudFormation::Stack)',
          'Fn::Transform at Resources.Bucket.Properties',
        ],
      },
    ]);
  });
});

describe('secretHashes', () => {
  it('keeps salt and hash for an unchanged secret, flags a changed one, never stores the value', () => {
    const first = secretHashes({ DbPassword: 'pw-one-1' }, ['DbPassword'], undefined);
    assert.deepEqual(first.unknown, ['DbPassword']);
    assert.match(first.tag, /^DbPassword=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.ok(!first.tag.includes('pw-one'));
    const same = secretHashes({ DbPassword: 'pw-one-1' }, ['DbPassword'], first.tag);
    assert.deepEqual([same.tag, same.changed, same.unknown], [first.tag, [], []]);
    const rotated = secretHashes({ DbPassword: 'pw-two-2' }, ['DbPassword'], first.tag);
    assert.deepEqual(rotated.changed, ['DbPassword']);
    assert.notEqual(rotated.tag, first.tag);
    const other = secretHashes({ DbPassword: 'pw-one-1' }, ['DbPassword'], undefined);
    assert.notEqual(other.tag, first.tag, 'salted: the same value hashes differently on another stack');
  });
});
