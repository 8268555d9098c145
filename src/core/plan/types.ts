/** What `plan` returns; each platform fills its part (src/core/platforms). */
import type { PlanItem } from '../kube/plan.js';
import type { Change, ParameterChange } from '../aws/changes.js';
import type { CapabilityNeed } from '../aws/capabilities.js';
import type { Platform } from '../config/project.js';

export interface PlanOptions {
  ansibleCheck?: boolean;
  /** Kubernetes: the image or tag a deploy would apply (default: the settings', else the running one). */
  image?: string;
  tag?: string;
}

export interface StackPlan {
  name: string;
  exists: boolean;
  action: 'create' | 'update' | 'unchanged';
  changes: Change[];
  /** Parameters whose value changes (a secret's by its hash, values never shown). */
  parameters: ParameterChange[];
  /** Capabilities the template needs, which update and commission ask the operator to acknowledge. */
  capabilities: CapabilityNeed[];
  /** Outputs and stack tags that change (a change set lists resources only). */
  outputChanges: string[];
  tagChanges: string[];
}

export interface RolePlan {
  role: string;
  playbook: string;
  hosts: string[];
}

export interface AnsibleCheck {
  ok: boolean;
  roles: Array<{ role: string; status: string; hosts: string[] }>;
  hosts: Array<{ name: string; status: string; changed: number; failed: number; unreachable: number }>;
}

export interface PlanResult {
  env: string;
  platform: Platform;
  image: { needsBake: boolean; reason: string; current: { imageId: string; name: string } | null } | null;
  stack: StackPlan | null;
  roles: RolePlan[] | null;
  /** Kubernetes: each object of the stack and what applying it would do. */
  objects: PlanItem[] | null;
  ansibleCheck: AnsibleCheck | null;
  /** AWS: the template checker that ran (null: cfn-lint is not installed) and its warnings. */
  template: { checker: 'cfn-lint' | null; warnings: string[] } | null;
  notes: string[];
}
