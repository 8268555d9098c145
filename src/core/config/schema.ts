import * as v from 'valibot';

/** Names that end up in AWS resource names and DNS labels. */
export const NAME_RE = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;

const str = (fallback: string) => v.optional(v.string(), fallback);
const int = (min: number, fallback: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min)), fallback);
const ident = (fallback: string) =>
  v.optional(v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'letters, digits and _, starting with a letter')), fallback);

/** The stack parameter names fragctl fills or feeds from a setting, which a project may rename. */
export const MAPPABLE_PARAMETERS = [
  'App',
  'Env',
  'ImageId',
  'KeyName',
  'DbUser',
  'DbPassword',
  'DbName',
  'DbInstanceClass',
  'DbAllocatedStorage',
  'AppInstanceType',
  'KnowledgeInstanceType',
  'BrokerInstanceType',
  'WorkerInstanceType',
  'AppServerMode',
  'AppMinSize',
  'AppMaxSize',
  'AppDesiredCapacity',
  'EnableWorkers',
  'WorkerDesiredCapacity',
  // formations/image.json only (the instance a bake provisions)
  'BaseImageId',
  'InstanceType',
] as const;
export type MappableParameter = (typeof MAPPABLE_PARAMETERS)[number];
/** The names that only formations/image.json uses: not looked for in the environment's template. */
export const IMAGE_PARAMETERS: readonly MappableParameter[] = ['BaseImageId', 'InstanceType'];
const cfnName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9]+$/, 'a CloudFormation logical ID (letters and digits)'));

/**
 * The settings fragctl reads from playbooks/group_vars/all.yml, the file it shares with Ansible.
 * Unknown keys are kept (they are Ansible's), so the object is loose.
 */
export const SharedSettings = v.looseObject({
  app_name: v.pipe(
    v.string(),
    v.regex(NAME_RE, 'lower-case letters, digits and dashes, starting with a letter'),
    v.maxLength(20, 'at most 20 characters'),
  ),
  key_name: str('deploy'),
  aws_region: str('us-east-1'),
  base_image_id: v.optional(v.pipe(v.string(), v.regex(/^ami-[0-9a-z]+$/, 'an AMI ID such as ami-0abc1234')), 'ami-12c6146b'),
  image_instance_type: str('t3.small'),
  app_instance_type: str('t3.small'),
  knowledge_instance_type: str('t3.small'),
  broker_instance_type: str('t3.micro'),
  worker_instance_type: str('t3.small'),
  db_instance_class: str('db.t3.micro'),
  db_allocated_storage: int(5, 20),
  db_name: ident('app'),
  db_user: ident('app'),
  app_server_mode: v.optional(v.picklist(['autoscaling', 'single']), 'autoscaling'),
  app_min_size: int(0, 1),
  app_max_size: int(1, 2),
  app_desired_capacity: int(0, 1),
  enable_workers: v.optional(v.boolean(), false),
  worker_desired_capacity: int(0, 1),
  deploy_order: v.optional(v.array(v.string()), ['database', 'knowledge', 'app', 'broker', 'worker']),
  images_to_keep: int(1, 2),
  ssh_user: str('ubuntu'),
  /** The formation files (globs allowed) merged into the environment template, in order; default: all but image.json. */
  formations: v.optional(
    v.pipe(v.array(v.pipe(v.string(), v.minLength(1, 'a file name or glob'))), v.minLength(1, 'at least one formation')),
  ),
  /** Glob patterns (case-insensitive) of the keys whose values are secrets; default in src/core/redact.ts. */
  secret_key_patterns: v.optional(v.array(v.pipe(v.string(), v.minLength(1, 'a glob such as *pass*')))),
  /** fragctl's parameter names → the template's (e.g. App: AppName). */
  formation_parameters: v.optional(v.strictObject(Object.fromEntries(MAPPABLE_PARAMETERS.map((k) => [k, v.optional(cfnName)])))),
});
export type SharedSettings = v.InferOutput<typeof SharedSettings>;

export const AwsSettings = v.strictObject({
  region: v.optional(v.string()),
  profile: v.optional(v.string()),
  endpoint_url: v.optional(v.pipe(v.string(), v.url('a URL such as http://127.0.0.1:5000'))),
  /**
   * How Ansible reaches hosts: their public DNS, their private address through a bastion, locally
   * (demo), or through SSH servers on loopback addresses that stand in for the instances (rehearsals
   * against a local AWS endpoint: `loopback_hosts`).
   */
  connection: v.optional(v.picklist(['public', 'bastion', 'local', 'loopback']), 'public'),
  bastion: v.optional(v.strictObject({ host: v.string(), user: str('ubuntu'), port: int(1, 22) })),
  /** connection: loopback — per Group tag, in launch order, the SSH server that plays each instance. */
  loopback_hosts: v.optional(
    v.record(
      v.string(),
      v.array(
        v.strictObject({
          address: v.pipe(
            v.string(),
            v.regex(
              /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/,
              "a loopback address (127.x.y.z): fragctl never connects to an emulator's instance addresses",
            ),
          ),
          port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 22),
          user: v.optional(v.string()),
          vars: v.optional(v.record(v.string(), v.unknown())),
        }),
      ),
    ),
  ),
  /** Seconds to wait for SSH on new instances (port open and a login with the key) before Ansible runs. */
  ssh_wait_timeout: int(1, 300),
  /** Where the record and lock table lives; defaults to `<app>-fragctl`. */
  state_table: v.optional(v.string()),
});

export const KubeSettings = v.strictObject({
  kubeconfig: v.optional(v.string()),
  context: v.optional(v.string()),
  /** developer stacks are per person; shared stacks (staging, production) have fixed names. */
  kind: v.optional(v.picklist(['developer', 'shared']), 'shared'),
  stack: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9]+$/, 'lower-case letters and digits only'))),
  user: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9]+$/, 'lower-case letters and digits only'))),
  namespace: v.optional(v.string()),
  domain: str('example.test'),
  host: v.optional(v.string()),
  image: v.optional(v.string()),
  tag: v.optional(v.string()),
  replicas: int(0, 1),
  tls_issuer: v.optional(v.string()),
  database: v.optional(v.picklist(['internal', 'external']), 'internal'),
  database_host: v.optional(v.string()),
  registry: v.optional(v.string()),
  /** Where CI pushes builds (latest-N), when not kubernetes.image: promote copies them over by digest. */
  build_image: v.optional(v.string()),
  /** The build registry's API URL, when not the host of build_image. */
  build_registry: v.optional(v.string()),
  production_env: str('production'),
  storage_class: v.optional(v.string()),
  /** Per API request (watches excepted), e.g. 30s; kubectl's --request-timeout. */
  request_timeout: v.optional(v.pipe(v.string(), v.regex(/^\d+(\.\d+)?(ms|s|m)?$/, 'a duration such as 30s, 2m or 500ms'))),
  /** Check with the registry that the tag exists before deploy and version-change. */
  verify_image: v.optional(v.boolean(), true),
  /** Workloads version-change restarts (names); default every Deployment and StatefulSet of the release. */
  restart: v.optional(v.array(v.string())),
});

export const LocalHost = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')),
  address: v.string(),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 22),
  user: v.optional(v.string()),
  groups: v.pipe(v.array(v.string()), v.minLength(1, 'at least one group')),
  vars: v.optional(v.record(v.string(), v.unknown())),
});

export const LocalSettings = v.strictObject({
  vagrant: v.optional(v.strictObject({ dir: str('.'), groups: v.optional(v.record(v.string(), v.array(v.string()))) })),
  hosts: v.optional(v.array(LocalHost)),
  private_key: v.optional(v.string()),
});

export const EnvironmentFile = v.strictObject({
  platform: v.optional(v.picklist(['aws', 'kubernetes', 'local']), 'aws'),
  protected: v.optional(v.boolean(), false),
  description: v.optional(v.string()),
  settings: v.optional(v.record(v.string(), v.unknown()), {}),
  aws: v.optional(AwsSettings, { connection: 'public' }),
  kubernetes: v.optional(KubeSettings),
  local: v.optional(LocalSettings),
});
export type EnvironmentFile = v.InferOutput<typeof EnvironmentFile>;
export type AwsSettings = v.InferOutput<typeof AwsSettings>;
export type KubeSettings = v.InferOutput<typeof KubeSettings>;
export type LocalSettings = v.InferOutput<typeof LocalSettings>;
export type LocalHost = v.InferOutput<typeof LocalHost>;
