/**
 * Inventories fragctl hands to Ansible: the static one it writes for a run (YAML-free JSON, which
 * Ansible's yaml plugin reads), and the dynamic-inventory shape (`--list`) behind `fragctl inventory`.
 */
import type { AnsibleHost } from './types.js';

/** Ansible group names: letters, digits and underscores, not starting with a digit. */
export function safeGroupName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s || '_';
}

export function hostVars(h: AnsibleHost): Record<string, unknown> {
  const v: Record<string, unknown> = { ...(h.vars ?? {}) };
  if (h.connection === 'local') {
    v.ansible_connection = 'local';
    v.ansible_python_interpreter ??= '{{ ansible_playbook_python }}';
  } else {
    v.ansible_host = h.address;
    if (h.port) v.ansible_port = h.port;
    if (h.user) v.ansible_user = h.user;
  }
  return v;
}

/** A static inventory in Ansible's YAML/JSON form: `all.children.<group>.hosts.<name>: vars`. */
export function staticInventory(hosts: AnsibleHost[]): Record<string, unknown> {
  const children: Record<string, { hosts: Record<string, Record<string, unknown>> }> = {};
  const all: Record<string, Record<string, unknown>> = {};
  for (const h of hosts) {
    all[h.name] = hostVars(h);
    for (const g of inventoryGroups(h)) {
      const group = (children[g] ??= { hosts: {} });
      group.hosts[h.name] = {};
    }
  }
  return { all: { hosts: all, children } };
}

/** A host's groups as Ansible sees them: its safe groups, then its compatibility groups as spelled. */
export function inventoryGroups(h: AnsibleHost): string[] {
  return [...new Set([...h.groups.map(safeGroupName), ...(h.compatGroups ?? [])])];
}

export interface DynamicInventory {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  all: { children: string[]; hosts?: string[] };
  [group: string]: unknown;
}

/** The `--list` answer of Ansible's dynamic inventory protocol. */
export function dynamicInventory(hosts: AnsibleHost[], extraGroups: string[] = []): DynamicInventory {
  const hostvars: Record<string, Record<string, unknown>> = {};
  const groups = new Map<string, string[]>();
  for (const h of hosts) {
    hostvars[h.name] = hostVars(h);
    for (const name of new Set([...inventoryGroups(h), ...extraGroups.map(safeGroupName)])) {
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name)!.push(h.name);
    }
  }
  const out: DynamicInventory = { _meta: { hostvars }, all: { children: ['ungrouped', ...[...groups.keys()].sort()] } };
  for (const [name, members] of [...groups.entries()].sort()) out[name] = { hosts: members };
  out.ungrouped = { hosts: hosts.filter((h) => h.groups.length === 0 && extraGroups.length === 0).map((h) => h.name) };
  return out;
}
