import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ec2DashedName, ec2Groups, ec2HostVars, ec2SafeName } from '../../../src/core/hosts/ec2-compat.js';
import { dynamicInventory, staticInventory } from '../../../src/core/ansible/inventory.js';

const instance = {
  instanceId: 'i-0abc',
  state: 'running',
  instanceType: 't3.small',
  availabilityZone: 'us-east-1a',
  keyName: 'frag-deploy',
  privateIp: '10.0.0.5',
  privateDns: 'ip-10-0-0-5.ec2.internal',
  publicIp: '54.0.0.1',
  publicDns: 'ec2-54-0-0-1.compute-1.amazonaws.com',
  securityGroups: ['frag-demo-app'],
  tags: { Name: 'frag-demo-app', App: 'frag', Env: 'demo', Group: 'app', 'aws:cloudformation:stack-name': 'frag-demo' },
};

describe('ec2.py-compatible inventory', () => {
  it('makes names safe the way ec2.py did, in its two spellings', () => {
    assert.equal(ec2SafeName('tag_Name_frag-demo-app'), 'tag_Name_frag_demo_app');
    assert.equal(ec2DashedName('tag_Name_frag-demo-app'), 'tag_Name_frag-demo-app');
    assert.equal(ec2DashedName('type_t3.small'), 'type_t3_small');
  });

  it("puts an instance in ec2.py's groups", () => {
    const groups = ec2Groups(instance, 'us-east-1');
    for (const g of [
      'ec2',
      'us-east-1',
      'us-east-1a',
      'type_t3_small',
      'key_frag_deploy',
      'key_frag-deploy',
      'security_group_frag_demo_app',
      'security_group_frag-demo-app',
      'tag_Name_frag_demo_app',
      'tag_Name_frag-demo-app',
      'tag_App_frag',
      'tag_Env_demo',
      'tag_Group_app',
    ]) {
      assert.ok(groups.includes(g), `missing ${g} in ${groups.join(' ')}`);
    }
    assert.ok(!groups.some((g) => g.includes('cloudformation')));
  });

  it("gives it ec2.py's host variables", () => {
    const v = ec2HostVars(instance, 'us-east-1');
    assert.equal(v.ec2_private_dns_name, 'ip-10-0-0-5.ec2.internal');
    assert.equal(v.ec2_private_ip_address, '10.0.0.5');
    assert.equal(v.ec2_public_dns_name, 'ec2-54-0-0-1.compute-1.amazonaws.com');
    assert.equal(v.ec2_ip_address, '54.0.0.1');
    assert.equal(v.ec2_id, 'i-0abc');
    assert.equal(v.ec2_instance_type, 't3.small');
    assert.equal(v.ec2_placement, 'us-east-1a');
    assert.equal(v.ec2_tag_Name, 'frag-demo-app');
    assert.equal(v.ec2_tag_aws_cloudformation_stack_name, 'frag-demo');
  });

  it('inventories keep the compatibility groups as spelled, besides the safe ones', () => {
    const host = { name: 'i-0abc', address: '127.0.0.2', groups: ['app'], compatGroups: ['tag_Name_frag-demo-app', 'ec2'] };
    const inv = staticInventory([host]) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
    assert.deepEqual(Object.keys(inv.all.children).sort(), ['app', 'ec2', 'tag_Name_frag-demo-app']);
    const dyn = dynamicInventory([host], ['demo']);
    assert.deepEqual((dyn['tag_Name_frag-demo-app'] as { hosts: string[] }).hosts, ['i-0abc']);
  });
});
