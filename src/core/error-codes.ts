/**
 * Every code a FragError carries, with what it means. The code is the stable part of an error
 * (`--json` prints it as error.code; scripts branch on it); the message may change. Typed, so a
 * misspelt code is a compile error. docs/errors.md lists the same codes (a unit test checks).
 */
export const ERROR_CODES = {
  // Usage and configuration
  USAGE: 'the command line is wrong: unknown verb or option, a missing or extra argument',
  CONFIRM_NEEDED: 'a destructive verb needs confirmation and there is no terminal to ask (pass --yes)',
  CONFIG_MISSING: 'playbooks/group_vars/all.yml (or the project directory) is missing',
  CONFIG_UNREADABLE: 'a settings file exists but cannot be read',
  CONFIG_SYNTAX: 'a settings file is not valid YAML',
  CONFIG_ENCRYPTED: 'a settings file is an Ansible vault where plain YAML was expected',
  CONFIG_INVALID: 'a setting has the wrong type or value, or settings contradict each other',
  ENV_NAME: 'an environment name is not a valid name, or too long for the AWS names built from it',
  ENV_UNKNOWN: 'no environments/<env>.yml for the environment named',
  ENV_PROTECTED: 'the verb is refused on a protected environment',
  BASTION_MISSING: 'aws.connection is bastion but aws.bastion names no host',
  LOOPBACK_MISSING: 'aws.connection is loopback but an instance has no stand-in in aws.loopback_hosts',
  EMULATOR_HOSTS: 'SSH to instances an AWS emulator made up is refused (use aws.connection: loopback)',
  KEY_MISSING: 'the SSH private key under keys/ is missing',
  KEY_PERMISSIONS: 'the SSH private key is readable by others (ssh refuses it)',
  SECRET_MISSING: 'a secret the stack needs (vault_db_password) is not set',
  VAULT_PASSWORD: 'the Ansible vault password file is missing or wrong',
  VAULT_INVALID: 'the vault file is damaged, not encrypted, or does not decrypt to a mapping of variables',
  PARAMETER_INVALID: 'a stack parameter cannot be filled from the settings',
  TOOL_MISSING: 'an external program fragctl runs is not installed',
  AWS_CREDENTIALS: 'no AWS credentials were found',
  // Formations and templates
  FORMATIONS_EMPTY: 'the project has no formations to build a stack from',
  FORMATION_MISSING: 'a formation named in the settings matches no file',
  FORMATION_LIST: 'the list of formations is wrong (e.g. it names image.json)',
  FORMATION_SYNTAX: 'a formation file is not valid JSON or YAML',
  FORMATION_INVALID: 'a formation is not a valid CloudFormation fragment',
  FORMATION_CONFLICT: 'two formations define the same logical ID differently',
  FORMATION_DANGLING: 'a formation refers to a resource or parameter no formation defines',
  FORMATION_CYCLE: 'the resources of the merged template depend on each other in a cycle',
  UPDATE_POLICY: 'an Auto Scaling group has no rolling or replacing update policy',
  TEMPLATE_LINT: 'cfn-lint found errors in the merged template',
  CFN_LINT_FAILED: 'cfn-lint could not be run on the template',
  // Hosts, playbooks and deploys
  GROUP_UNKNOWN: 'no such group of hosts in the environment',
  HOST_UNKNOWN: 'no such host in the environment',
  ROLE_UNKNOWN: 'no playbook for the group named',
  TASK_UNKNOWN: 'no such task',
  LIMIT_UNKNOWN: '--limit matches no host',
  TAGS_UNMATCHED: '--tags selects no task of the playbooks run',
  REQUIREMENTS_INVALID: 'a requirements file of playbooks/ is not a list of roles or a mapping with roles: and collections:',
  REQUIREMENTS_FAILED: 'ansible-galaxy could not install what a requirements file names',
  NO_HOSTS: 'the environment has no running hosts where some were needed',
  NO_HOSTS_MATCHED: 'a play matched no host and did nothing',
  NO_ADDRESS: 'a host has no address to connect to with this connection mode',
  NO_SSH: 'the environment runs its playbooks locally: there is no host to SSH to',
  TAG_CONTRACT: 'instances lack the App/Env/Group tags fragctl finds hosts by',
  PLAYBOOK_MISSING: 'a playbook fragctl needs is missing',
  PLAYBOOK_SYNTAX: 'a playbook is not valid YAML',
  PLAYBOOK_REMOVED_KEYWORD: 'a playbook uses a keyword this Ansible no longer has',
  ANSIBLE_MODULE_MISSING: 'a playbook uses a module this Ansible does not have',
  ANSIBLE_FAILED: 'ansible-playbook failed',
  DEPLOY_FAILED: 'the deploy failed on one or more hosts',
  TASK_FAILED: 'a task (run through Ansible) failed',
  SSH_TIMEOUT: 'new instances did not accept SSH in time',
  VAGRANT_FAILED: 'vagrant failed',
  SUPERVISOR_FAILED: 'the process supervisor for child processes could not start',
  // AWS stacks and images
  STACK_MISSING: 'the environment has no stack',
  STACK_BUSY: 'the stack is in the middle of another operation',
  STACK_GONE: 'the stack disappeared while fragctl waited for it',
  STACK_PROTECTED: 'the stack has termination protection on',
  CHANGESET_FAILED: 'CloudFormation could not compute a change set',
  CHANGESET_STALE: 'the stack changed since the change set was reviewed: nothing was applied',
  CAPABILITIES_DECLINED: 'IAM capabilities were not acknowledged: nothing was changed',
  DRIFT_FAILED: 'drift detection failed',
  STOP_FAILED: 'the application could not be stopped before decommission',
  SNAPSHOT_FAILED: 'the final database snapshot did not complete: the stack was kept',
  SNAPSHOT_MISMATCH: 'the final database snapshot is not the one expected: the stack was kept',
  IMAGE_MISSING: 'there is no machine image to start the stack from (bake one)',
  IMAGE_INSTANCE: 'the instance the image is baked on did not run',
  IMAGE_PROVISION: 'provisioning the image instance failed',
  IMAGE_FAILED: 'AWS could not create the image',
  REFRESH_RUNNING: 'an instance refresh is already running on the group',
  REFRESH_FAILED: 'an instance refresh failed or was cancelled',
  AWS_UNREACHABLE: 'the AWS endpoint cannot be reached',
  // Records and locks
  ENV_LOCKED: "another run holds the environment's lock",
  LOCK_LOST: 'the lock was taken over while the run held it',
  LOCK_CHANGED: 'the lock changed hands before it could be released',
  LOCK_UNREADABLE: 'the lock record cannot be read',
  STATE_UNREACHABLE: 'the record and lock store cannot be reached',
  // Kubernetes
  KUBE_SETTINGS: "the environment's kubernetes settings are missing or wrong",
  KUBE_CONFIG: 'the kubeconfig is missing or unreadable',
  KUBE_CONTEXT: 'the kubeconfig has no such context (or none is current)',
  KUBE_AUTH: "the kubeconfig's credentials cannot be used",
  KUBE_TLS: "the API server's certificate is not trusted",
  KUBE_UNREACHABLE: 'the Kubernetes API server cannot be reached',
  KUBE_TIMEOUT: 'the Kubernetes API server did not answer in time',
  KUBE_UNAUTHORIZED: 'the API server refused the credentials (HTTP 401)',
  KUBE_FORBIDDEN: 'the credentials may not do this (HTTP 403)',
  KUBE_CONFLICT: 'an object changed or already exists (HTTP 409)',
  KUBE_INVALID: 'the API server rejected an object as invalid (HTTP 422)',
  KUBE_STACK_NAME: 'the stack or user name cannot form a namespace',
  KUBE_NAMESPACE_FOREIGN: 'the namespace exists but was not made by fragctl',
  KUBE_NAMESPACE_MISMATCH: "a template names another namespace than the stack's",
  KUBE_NAMESPACE_TERMINATING: 'the namespace was still terminating after the wait',
  KUBE_TEMPLATES_MISSING: 'a template the verb needs is missing',
  KUBE_TEMPLATE: 'a template failed to render',
  KUBE_TEMPLATE_SYNTAX: 'a template has a syntax error',
  KUBE_TEMPLATE_UNDEFINED: 'a template uses an undefined variable',
  KUBE_TEMPLATE_YAML: 'a rendered template is not valid YAML',
  KUBE_NOT_AN_OBJECT: 'a rendered document is not one Kubernetes object of the kind expected',
  KUBE_DUPLICATE_OBJECT: 'two templates render the same object',
  KUBE_UNKNOWN_KIND: 'the cluster does not know a kind a template uses',
  KUBE_NOT_DEPLOYED: 'the stack has no release',
  KUBE_REVISION: 'no such release in the history',
  KUBE_RELEASE: 'the release record could not be written',
  KUBE_JOB_REPLACE: 'a Job deleted to be created again (its template changed) did not go away',
  KUBE_RELEASE_CORRUPT: 'a release record cannot be read',
  KUBE_SECRET_GONE: 'a rollback needs a Secret (or key) the cluster no longer has: secret values are never recorded',
  KUBE_RELEASE_TOO_LARGE: 'a release record is larger than a Secret may be',
  KUBE_ROLLED_BACK: 'the release failed and was rolled back',
  ROLLOUT_FAILED: 'a workload did not become ready',
  ROLLOUT_GONE: 'a workload disappeared during its rollout',
  ROLLOUT_TIMEOUT: 'a rollout did not finish in time',
  JOB_FAILED: 'a Job failed',
  JOB_GONE: 'a Job was deleted while fragctl waited for it',
  JOB_TIMEOUT: 'a Job did not finish in time',
  LOADER_ACTIVE: 'a data loader is still running',
  VERSION_MISMATCH: 'two environments run different versions where the same one is needed',
  // Images in a registry
  IMAGE_REF: 'an image reference is not valid',
  IMAGE_TAG: 'an image has no usable tag',
  IMAGE_NOT_FOUND: 'the registry has no such image or tag',
  BUILD_MISSING: 'the build to promote does not exist in the registry',
  VERSION_TAG: 'a version to promote to is not a version tag',
  VERSION_EXISTS: 'the version to promote to exists already',
  PROMOTE_FAILED: 'a promotion failed and was undone',
  PROMOTE_BLOB_MISSING: 'the build repository lacks a blob or manifest its image references: nothing was copied or tagged',
  PROMOTE_DIGEST_MISMATCH: 'the target registry stored a copied manifest under another digest: nothing was tagged',
  REGISTRY_UNREACHABLE: 'the container registry cannot be reached',
  REGISTRY_ERROR: 'the container registry answered with an error',
  // Runs
  DECLINED: 'the operator declined a confirmation: nothing was changed',
  INTERRUPTED: 'the run was interrupted (Ctrl-C)',
  WAIT_INTERRUPTED: 'fragctl stopped waiting; the operation goes on in AWS or the cluster',
  FAILED: 'an operation failed without a more specific code',
} as const;

export type CatalogueCode = keyof typeof ERROR_CODES;

/**
 * Codes passed through from the system that said no, one family each (documented in docs/errors.md):
 * an AWS error name (AWS_ValidationError), an HTTP status from the Kubernetes API (KUBE_404), a
 * CloudFormation stack status a wait ended in (STACK_ROLLBACK_COMPLETE).
 */
export type PassThroughCode = `AWS_${string}` | `KUBE_${number}` | `STACK_${string}_${'COMPLETE' | 'FAILED' | 'IN_PROGRESS'}`;

export type ErrorCode = CatalogueCode | PassThroughCode;

/** The pass-through families, as docs/errors.md lists them. */
export const PASS_THROUGH_CODES = ['AWS_<ErrorName>', 'KUBE_<status>', 'STACK_<status>'] as const;

/** The code of a stack that ended in `status` (STACK_ROLLBACK_COMPLETE); FAILED when AWS gave none. */
export function stackStatusCode(status: string | undefined): ErrorCode {
  return status && /^[A-Z]+(_[A-Z]+)*_(COMPLETE|FAILED|IN_PROGRESS)$/.test(status) ? (`STACK_${status}` as PassThroughCode) : 'FAILED';
}
