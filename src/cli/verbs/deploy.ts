import type { VerbEntry } from '../verb.js';

/** The deploy verbs. Each entry's loader imports its command file lazily. */
const AWS_LOCAL = ['aws', 'local'] as const;
const LOCAL = ['local'] as const;

export const DEPLOY_VERBS: VerbEntry[] = [
  {
    name: 'hosts',
    summary: 'The hosts of the environment by their App/Env/Group tags',
    scope: 'env',
    mutating: false,
    platforms: AWS_LOCAL,
    load: () => import('../commands/hosts.js'),
  },
  {
    name: 'inventory',
    summary: 'Ansible dynamic inventory (--list | --host H); see bin/fragctl-inventory',
    scope: 'env',
    mutating: false,
    platforms: AWS_LOCAL,
    load: () => import('../commands/inventory.js'),
  },
  {
    name: 'deploy',
    summary: 'Run the role playbooks on the hosts, in deploy_order',
    scope: 'env',
    mutating: true,
    platforms: AWS_LOCAL,
    load: () => import('../commands/deploy.js'),
  },
  {
    name: 'run',
    summary: 'Run a management task (playbooks/tasks/tasks.yml); --list lists them',
    scope: 'env',
    mutating: true,
    platforms: AWS_LOCAL,
    load: () => import('../commands/run.js'),
  },
  {
    name: 'ssh',
    summary: 'SSH to a host of a group: ssh <group>[/<n>] [-- command]',
    scope: 'env',
    mutating: false,
    platforms: AWS_LOCAL,
    load: () => import('../commands/ssh.js'),
  },
  {
    name: 'up',
    summary: 'Local: vagrant up (or the static hosts), then provision',
    scope: 'env',
    mutating: true,
    platforms: LOCAL,
    load: () => import('../commands/up.js'),
  },
  {
    name: 'provision',
    summary: 'Local: run the role playbooks (--role R) on the local hosts',
    scope: 'env',
    mutating: true,
    platforms: LOCAL,
    load: () => import('../commands/provision.js'),
  },
  {
    name: 'destroy',
    summary: "Local: vagrant destroy (or remove the sandboxed hosts' deploy roots)",
    scope: 'env',
    mutating: true,
    platforms: LOCAL,
    load: () => import('../commands/destroy.js'),
  },
];
