/**
 * What differs between the platforms (aws, kubernetes, local): one object per platform implements it,
 * and `platformOf(env)` (./index.ts) is the one place that chooses. Which verbs a platform has is the
 * verb table's `platforms` column (src/cli/verbs/*.ts); this is how the verbs they share differ.
 */
import type { AnsibleHost } from '../ansible/types.js';
import type { Context } from '../context.js';
import type { Environment } from '../config/project.js';
import type { DeployTargets, ResolveOptions } from '../deploy/types.js';
import type { FindingWithFix } from '../doctor/types.js';
import type { HostRow } from '../hosts/aws-hosts.js';
import type { LockHolder } from '../locks/types.js';
import type { PlanOptions, PlanResult } from '../plan/types.js';
import type { OpenStateOptions, StateContext } from '../records/stores.js';
import type { EnvState, RecordStore } from '../records/types.js';
import type { SshTarget } from '../../providers/shell/ssh.js';

export interface PlatformOps {
  /** Where `fragctl runs` finds the records of an environment besides the local cache. */
  readonly recordStore: 'dynamodb' | 'kubernetes' | 'local';
  /** The environment's run records and lock; `cache` is the local cache of every store. */
  openState(ctx: StateContext, cache: RecordStore, opts: OpenStateOptions): Promise<EnvState>;
  /** doctor: the platform's stuck states, after the lock's; adds what it looked at to `checked`. */
  doctorFindings(ctx: Context, liveHolder: LockHolder | undefined, notes: string[], checked: string[]): Promise<FindingWithFix[]>;
  /** plan: the platform's own preview. `hosts`: the hosts each role would reach come next (AWS once the stack exists, local). */
  plan(ctx: Context, opts: PlanOptions): Promise<PlatformPlan>;
  /** The environment's CloudFormation stack, on the platform that has one. */
  stackName?(env: Environment): string;
  /** `config`: what the platform adds to the effective settings. */
  configExtras(ctx: Context): ConfigExtras;
  /** The Ansible hosts (AWS instances, local hosts); Kubernetes has none. */
  readonly hosts?: HostOps;
}

export type PlatformPlan = Partial<Pick<PlanResult, 'image' | 'stack' | 'objects' | 'template'>> & { notes: string[]; hosts: boolean };

export interface ConfigExtras {
  stack?: string;
  aws?: Record<string, unknown>;
  /** The computed playbook variables (database and host values), for platforms that run playbooks. */
  computed?: Record<string, unknown>;
}

/** How a platform with Ansible hosts finds, lists and reaches them. */
export interface HostOps {
  /** The hosts a deploy, run or plan works on, and the playbook variables. */
  targets(ctx: Context, opts: ResolveOptions): Promise<DeployTargets>;
  /** The roles a deploy runs when none is named, from the roles with a playbook (`known`, in deploy_order). */
  defaultRoles(ctx: Context, known: string[], present: Set<string>): Promise<string[]>;
  /** `hosts`: one row per host, of one group when `group` is given. */
  list(ctx: Context, group: string | undefined): Promise<HostRow[]>;
  /** `ssh`: the `index`th host (from 1) of a group. */
  sshTarget(ctx: Context, host: { group: string; index: number; knownHostsFile: string }): Promise<SshTarget & { name: string }>;
  /** `inventory`: the hosts and the variables every host gets. */
  inventory(ctx: Context): Promise<{ hosts: AnsibleHost[]; vars: Record<string, unknown> }>;
  /** After a deploy that changed the hosts (not a check). */
  afterDeploy?(ctx: Context, targets: DeployTargets): Promise<void>;
}
