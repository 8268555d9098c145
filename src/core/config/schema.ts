import { z } from 'zod';

/** Names that end up in AWS resource names and DNS labels. */
export const NAME_RE = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;

/**
 * The settings fragctl reads from playbooks/group_vars/all.yml, the file it shares with Ansible.
 * Unknown keys are kept (they are Ansible's), so the object is loose.
 */
export const SharedSettings = z.looseObject({
  app_name: z.string().regex(NAME_RE, 'lower-case letters, digits and dashes, starting with a letter').max(20),
  key_name: z.string().min(1).default('deploy'),
  aws_region: z.string().default('us-east-1'),
  base_image_id: z.string().regex(/^ami-[0-9a-z]+$/, 'an AMI ID such as ami-0abc1234').default('ami-12c6146b'),
  image_instance_type: z.string().default('t3.small'),
  app_instance_type: z.string().default('t3.small'),
  knowledge_instance_type: z.string().default('t3.small'),
  broker_instance_type: z.string().default('t3.micro'),
  worker_instance_type: z.string().default('t3.small'),
  db_instance_class: z.string().default('db.t3.micro'),
  db_allocated_storage: z.number().int().min(5).default(20),
  db_name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/).default('app'),
  db_user: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/).default('app'),
  app_server_mode: z.enum(['autoscaling', 'single']).default('autoscaling'),
  app_min_size: z.number().int().min(0).default(1),
  app_max_size: z.number().int().min(1).default(2),
  app_desired_capacity: z.number().int().min(0).default(1),
  enable_workers: z.boolean().default(false),
  worker_desired_capacity: z.number().int().min(0).default(1),
  deploy_order: z.array(z.string()).default(['database', 'knowledge', 'app', 'broker', 'worker']),
  images_to_keep: z.number().int().min(1).default(2),
  ssh_user: z.string().default('ubuntu'),
});
export type SharedSettings = z.infer<typeof SharedSettings>;

export const AwsSettings = z.strictObject({
  region: z.string().optional(),
  profile: z.string().optional(),
  endpoint_url: z.string().url().optional(),
  /** How Ansible reaches hosts: their public DNS, their private address through a bastion, or locally (demo). */
  connection: z.enum(['public', 'bastion', 'local']).default('public'),
  bastion: z.strictObject({ host: z.string(), user: z.string().default('ubuntu'), port: z.number().int().default(22) }).optional(),
  /** Where the record and lock table lives; defaults to `<app>-fragctl`. */
  state_table: z.string().optional(),
});

export const KubeSettings = z.strictObject({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  /** developer stacks are per person; shared stacks (staging, production) have fixed names. */
  kind: z.enum(['developer', 'shared']).default('shared'),
  stack: z.string().regex(/^[a-z0-9]+$/, 'lower-case letters and digits only').optional(),
  namespace: z.string().optional(),
  domain: z.string().default('example.test'),
  host: z.string().optional(),
  image: z.string().optional(),
  tag: z.string().optional(),
  replicas: z.number().int().min(0).default(1),
  tls_issuer: z.string().optional(),
  database: z.enum(['internal', 'external']).default('internal'),
  database_host: z.string().optional(),
  registry: z.string().optional(),
  production_env: z.string().default('production'),
  storage_class: z.string().optional(),
});

export const LocalHost = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  address: z.string(),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().optional(),
  groups: z.array(z.string()).min(1),
  vars: z.record(z.string(), z.unknown()).optional(),
});

export const LocalSettings = z.strictObject({
  vagrant: z.strictObject({ dir: z.string().default('.'), groups: z.record(z.string(), z.array(z.string())).optional() }).optional(),
  hosts: z.array(LocalHost).optional(),
  private_key: z.string().optional(),
});

export const EnvironmentFile = z.strictObject({
  platform: z.enum(['aws', 'kubernetes', 'local']).default('aws'),
  protected: z.boolean().default(false),
  description: z.string().optional(),
  settings: z.record(z.string(), z.unknown()).default({}),
  aws: AwsSettings.default({ connection: 'public' }),
  kubernetes: KubeSettings.optional(),
  local: LocalSettings.optional(),
});
export type EnvironmentFile = z.infer<typeof EnvironmentFile>;
export type AwsSettings = z.infer<typeof AwsSettings>;
export type KubeSettings = z.infer<typeof KubeSettings>;
export type LocalSettings = z.infer<typeof LocalSettings>;
export type LocalHost = z.infer<typeof LocalHost>;
