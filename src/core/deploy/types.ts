import type { AnsibleHost } from '../ansible/types.js';
import type { InstanceFacts } from '../../providers/aws/ec2-hosts.js';

/** What a deploy runs on: the hosts, the playbook variables and, on AWS, the stack's outputs and instances. */
export interface DeployTargets {
  hosts: AnsibleHost[];
  vars: Record<string, unknown>;
  outputs?: Record<string, string>;
  /** For the database group when the database is RDS: the app host the database role runs from. */
  notes: string[];
  /** AWS: the instances behind `hosts`, for the tag contract. */
  instances?: InstanceFacts[];
}

/** plan: nothing connects, so emulator hosts and an environment not created yet are fine. */
export interface ResolveOptions {
  forPlan?: boolean;
}
