/**
 * What a playbook says about itself, read without running Ansible: the groups its plays target
 * (`hosts:` patterns), its first play's name, and whether it is marked destructive
 * (`vars: { fragctl_destructive: true }` on the first play, or a `# fragctl: destructive` line).
 */
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { ALLOW_NO_HOSTS } from './host-patterns.js';

export interface PlaybookInfo {
  /** Group names in the plays' host patterns, in order, without all/localhost/negations. */
  groups: string[];
  /** The raw patterns. */
  patterns: string[];
  name?: string;
  destructive: boolean;
  /** A list of plays (each with hosts:), not a tasks file. */
  isPlaybook: boolean;
}

function allowsNoHosts(play: Record<string, unknown> | undefined): boolean {
  const vars = play && typeof play.vars === 'object' && play.vars ? (play.vars as Record<string, unknown>) : {};
  const tags = Array.isArray(play?.tags) ? play.tags.map(String) : [];
  return vars[ALLOW_NO_HOSTS] === true || vars[ALLOW_NO_HOSTS] === 'true' || tags.includes(ALLOW_NO_HOSTS);
}

export async function readPlaybook(file: string): Promise<PlaybookInfo> {
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = jsYaml.load(text);
  } catch {
    // ansible-playbook --syntax-check reports it with Ansible's own message
    return { groups: [], patterns: [], destructive: false, isPlaybook: true };
  }
  const plays = Array.isArray(doc) ? (doc as Array<Record<string, unknown>>) : [];
  const isPlaybook =
    plays.length > 0 &&
    plays.every((p) => p && typeof p === 'object' && ('hosts' in p || 'import_playbook' in p || 'ansible.builtin.import_playbook' in p));
  const patterns = plays
    .map((p) => (typeof p?.hosts === 'string' ? p.hosts : Array.isArray(p?.hosts) ? p.hosts.join(':') : ''))
    .filter(Boolean);
  const groups: string[] = [];
  // A play marked fragctl_allow_no_hosts may target a group without hosts: not a contract matter.
  // Templated patterns are rendered and checked by Ansible itself (host-patterns.ts).
  const checked = plays
    .filter((p) => !allowsNoHosts(p))
    .map((p) => (typeof p?.hosts === 'string' ? p.hosts : Array.isArray(p?.hosts) ? p.hosts.join(':') : ''))
    .filter(Boolean);
  for (const pat of checked) {
    for (const part of pat.split(/[:,]/)) {
      const g = part.trim();
      if (!g || /^[!&]/.test(g) || /[*?[{]/.test(g) || g === 'all' || g === 'localhost') continue;
      if (!groups.includes(g)) groups.push(g);
    }
  }
  const first = plays[0];
  const vars = first && typeof first.vars === 'object' && first.vars ? (first.vars as Record<string, unknown>) : {};
  const destructive =
    vars.fragctl_destructive === true || vars.fragctl_destructive === 'true' || /^#\s*fragctl:\s*destructive\b/m.test(text);
  return { groups, patterns, name: typeof first?.name === 'string' ? first.name : undefined, destructive, isPlaybook };
}
