/**
 * The groups and host variables of Ansible's old EC2 inventory script (ec2.py) and of the aws_ec2
 * plugin's compatibility mode, so that playbooks written for them run unchanged:
 * `hosts: tag_Name_{{ app_name }}-{{ env_name }}-app`, `{{ ec2_private_dns_name }}`.
 *
 * ec2.py made names safe with `re.sub("[^A-Za-z0-9\-]", "_", word)` until 2016, and from then on,
 * with `replace_dash_in_groups = True` (its default), with `[^A-Za-z0-9\_]`. Playbooks of both eras
 * exist, so a name that differs between the two is given in both spellings, e.g.
 * `tag_Name_frag_demo_app` and `tag_Name_frag-demo-app`. Regions and zones were never changed.
 */
import type { InstanceFacts } from '../../providers/aws/ec2-hosts.js';

/** ec2.py with replace_dash_in_groups = True (its default since 2016): non-alphanumerics become `_`. */
export function ec2SafeName(word: string): string {
  return word.replace(/[^A-Za-z0-9_]/g, '_');
}

/** ec2.py before 2016, or replace_dash_in_groups = False: dashes are kept. */
export function ec2DashedName(word: string): string {
  return word.replace(/[^A-Za-z0-9_-]/g, '_');
}

function bothSpellings(word: string): string[] {
  const safe = ec2SafeName(word);
  const dashed = ec2DashedName(word);
  return safe === dashed ? [safe] : [safe, dashed];
}

/** The groups ec2.py put an instance in (the ones playbooks target), each in both spellings. */
export function ec2Groups(i: InstanceFacts, region: string): string[] {
  const groups = ['ec2', region];
  if (i.availabilityZone) groups.push(i.availabilityZone);
  if (i.instanceType) groups.push(...bothSpellings(`type_${i.instanceType}`));
  if (i.keyName) groups.push(...bothSpellings(`key_${i.keyName}`));
  for (const sg of i.securityGroups ?? []) groups.push(...bothSpellings(`security_group_${sg}`));
  for (const [k, v] of Object.entries(i.tags)) {
    if (k.startsWith('aws:')) continue; // CloudFormation's own tags: long, and no playbook targets them
    groups.push(...bothSpellings(`tag_${k}_${v}`));
  }
  return [...new Set(groups)];
}

/** The host variables ec2.py gave each instance (the ones playbooks read). */
export function ec2HostVars(i: InstanceFacts, region: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    ec2_id: i.instanceId,
    ec2_private_dns_name: i.privateDns ?? '',
    ec2_private_ip_address: i.privateIp ?? '',
    ec2_public_dns_name: i.publicDns ?? '',
    ec2_dns_name: i.publicDns ?? '',
    ec2_ip_address: i.publicIp ?? '',
    ec2_instance_type: i.instanceType ?? '',
    ec2_placement: i.availabilityZone ?? '',
    ec2_region: region,
    ec2_image_id: i.imageId ?? '',
    ec2_key_name: i.keyName ?? '',
    ec2_launch_time: i.launchTime ?? '',
    ec2_state: i.state,
    ec2_security_group_names: (i.securityGroups ?? []).join(','),
  };
  for (const [k, v] of Object.entries(i.tags)) vars[`ec2_tag_${ec2SafeName(k)}`] = v;
  return vars;
}
