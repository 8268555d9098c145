/**
 * Ansible's parse errors turned into one line and a hint that says what to do: keywords removed
 * from Ansible (`sudo:` → `become:`) name their replacement, and a module Ansible cannot resolve
 * names the collection that provides it and how to install it. All of them are bad input (exit 2).
 */
import { UserError } from '../errors.js';

/** Keywords older playbooks use that ansible-core no longer accepts, with what replaced them. */
export const REMOVED_KEYWORDS: Record<string, string> = {
  sudo: 'become: true',
  sudo_user: 'become_user:',
  sudo_pass: 'become_password (or --ask-become-pass)',
  su: 'become: true with become_method: su',
  su_user: 'become_user: with become_method: su',
  always_run: 'check_mode: false',
  include: 'import_playbook: (between plays) or include_tasks: / import_tasks: (in a task list)',
  accelerate: 'nothing (accelerated mode is gone; use pipelining)',
};

/** Modules real ops repositories call by their short name, and the collection that provides each. */
export const MODULE_COLLECTIONS: Record<string, string> = {
  postgresql_user: 'community.postgresql',
  postgresql_db: 'community.postgresql',
  postgresql_privs: 'community.postgresql',
  postgresql_ext: 'community.postgresql',
  postgresql_query: 'community.postgresql',
  mysql_user: 'community.mysql',
  mysql_db: 'community.mysql',
  sysctl: 'ansible.posix',
  mount: 'ansible.posix',
  authorized_key: 'ansible.posix',
  synchronize: 'ansible.posix',
  selinux: 'ansible.posix',
  seboolean: 'ansible.posix',
  firewalld: 'ansible.posix',
  acl: 'ansible.posix',
  at: 'ansible.posix',
  ufw: 'community.general',
  npm: 'community.general',
  timezone: 'community.general',
  locale_gen: 'community.general',
  modprobe: 'community.general',
  ini_file: 'community.general',
  make: 'community.general',
  supervisorctl: 'community.general',
  htpasswd: 'community.general',
  alternatives: 'community.general',
  docker_container: 'community.docker',
  docker_image: 'community.docker',
  ec2: 'amazon.aws',
  ec2_instance: 'amazon.aws',
  s3_bucket: 'amazon.aws',
  rabbitmq_user: 'community.rabbitmq',
  rabbitmq_vhost: 'community.rabbitmq',
};

/** The collection behind a module Ansible could not resolve: from its own warning, else the table. */
export function collectionFor(module: string, output: string): string | undefined {
  const fq = /Error loading plugin '([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+'/.exec(output);
  if (fq) return fq[1];
  const parts = module.split('.');
  if (parts.length === 3) return `${parts[0]}.${parts[1]}`;
  return MODULE_COLLECTIONS[module];
}

/** A removed keyword named in an error line ("'sudo' is not a valid attribute", "conflicting action statements: debug, sudo_user"). */
export function removedKeyword(line: string): string | undefined {
  const attr = /'([a-z_]+)' is not a valid attribute/.exec(line)?.[1];
  if (attr && REMOVED_KEYWORDS[attr]) return attr;
  const conflicting = /conflicting action statements: (.*)$/.exec(line)?.[1];
  if (conflicting)
    return conflicting
      .split(',')
      .map((w) => w.trim())
      .find((w) => REMOVED_KEYWORDS[w]);
  if (/'ansible\.builtin\.include' action plugin has been removed/.test(line)) return 'include';
  return undefined;
}

/** The error for a playbook Ansible refused to parse (syntax, removed keyword, unknown module). */
export function playbookError(shown: string, output: string, line: string, check: string): UserError {
  const origin = /^Origin: (\S+)/m.exec(output)?.[1];
  const where = origin ? ` (${origin})` : '';
  const details = output.trim().split('\n').filter(Boolean).slice(0, 20);
  const keyword = removedKeyword(line);
  if (keyword) {
    return new UserError(`playbook ${shown} uses \`${keyword}:\`, which Ansible removed${where}`, {
      hint: `replace it with ${REMOVED_KEYWORDS[keyword]} (nothing was run)`,
      code: 'PLAYBOOK_REMOVED_KEYWORD',
      details,
    });
  }
  const module = /couldn't resolve module\/action '([^']+)'/.exec(line)?.[1];
  if (module) {
    const collection = collectionFor(module, output);
    return new UserError(
      `playbook ${shown}: Ansible cannot find the module ${module}${collection ? ` (collection ${collection}, not installed)` : ''}${where}`,
      {
        hint: collection
          ? `install it: ansible-galaxy collection install ${collection} (or pip install ansible, which bundles it), or list it in requirements.yml (nothing was run)`
          : "check the module's name, or install the collection that provides it (ansible-galaxy collection install NAMESPACE.COLLECTION) (nothing was run)",
        code: 'ANSIBLE_MODULE_MISSING',
        details,
      },
    );
  }
  return new UserError(`playbook ${shown} has a syntax error: ${line}${where}`, {
    hint: `fix it and check with: ${check} (nothing was run)`,
    code: 'PLAYBOOK_SYNTAX',
    details,
  });
}
