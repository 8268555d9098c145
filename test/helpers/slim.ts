/**
 * Slim roles for a private copy of the reference project: each role's tasks cut to one `file` task
 * that leaves the file (or, for common, the unit directory) a test can look for on a host. The same
 * playbooks, plays, roles and dependencies, and the same changed/ok behaviour (a second run changes
 * nothing), at one module run per role instead of a dozen. For tests of what fragctl does around
 * Ansible (processes, checks, stacks, locks, faults), not of what the reference roles do:
 * test/integration/playbooks.test.ts and deploy/local-ssh.test.ts run those in full.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file that exists afterwards; `preserve` keeps a second run from reporting a change. */
const touch = (path: string, mode: string) =>
  `ansible.builtin.file: { path: "{{ deploy_root }}${path}", state: touch, mode: "${mode}", modification_time: preserve, access_time: preserve }`;

const SLIM_TASKS: Record<string, string> = {
  common: 'ansible.builtin.file: { path: "{{ deploy_root }}/etc/systemd/system", state: directory, mode: "0755" }',
  dbclient: touch('/etc/frag-database.env', '0600'),
  knowledge: touch('/etc/systemd/system/frag-knowledge.service', '0644'),
  app: touch('/etc/systemd/system/frag-app.service', '0644'),
  broker: touch('/etc/systemd/system/frag-broker.service', '0644'),
  worker: touch('/etc/systemd/system/frag-worker.service', '0644'),
};

/** Cuts the roles of the project copy in dir (never the repository's own playbooks), all but `keep`. */
export function slimRoles(dir: string, { keep = [] }: { keep?: string[] } = {}): void {
  for (const [role, task] of Object.entries(SLIM_TASKS)) {
    if (keep.includes(role)) continue;
    writeFileSync(join(dir, 'playbooks', 'roles', role, 'tasks', 'main.yml'), `---\n- name: The ${role} role's one file\n  ${task}\n`);
  }
}
