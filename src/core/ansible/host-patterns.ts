/**
 * A play that matches no host is a failure: Ansible only warns ("Could not match supplied host
 * pattern", "skipping: no hosts matched") and goes on, so a bake or a deploy would report success
 * having done nothing. Patterns are rendered by Ansible itself (`ansible-playbook --list-hosts`
 * with the run's inventory and variables), so `tag_Name_{{ app_name }}-{{ env_name }}-app` is
 * checked as Ansible will see it. A play opts out with `vars: { fragctl_allow_no_hosts: true }`
 * (or the tag `fragctl_allow_no_hosts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import jsYaml from 'js-yaml';

export const ALLOW_NO_HOSTS = 'fragctl_allow_no_hosts';

export interface ListedPlay {
  /** The playbook as ansible-playbook printed it. */
  playbook: string;
  /** 1-based, per playbook, imported playbooks' plays included. */
  index: number;
  name: string;
  /** The pattern after Ansible rendered it. */
  pattern: string;
  tags: string[];
  hosts: string[];
}

/** Parses `ansible-playbook --list-hosts` output. */
export function parseListHosts(output: string): ListedPlay[] {
  const plays: ListedPlay[] = [];
  let playbook = '';
  let current: ListedPlay | undefined;
  let inHosts = false;
  for (const line of output.split('\n')) {
    const pb = /^playbook: (.+)$/.exec(line);
    if (pb) {
      playbook = pb[1]!.trim();
      current = undefined;
      continue;
    }
    const play = /^\s+play #(\d+) \((.*)\): (.*?)\tTAGS: \[(.*)\]\s*$/.exec(line);
    if (play) {
      current = { playbook, index: Number(play[1]), pattern: play[2]!, name: play[3]!, tags: splitTags(play[4]!), hosts: [] };
      plays.push(current);
      inHosts = false;
      continue;
    }
    if (!current) continue;
    if (/^\s+hosts \(\d+\):\s*$/.test(line)) {
      inHosts = true;
      continue;
    }
    if (inHosts && /^\s{6,}\S/.test(line)) current.hosts.push(line.trim());
    else if (inHosts && line.trim() === '') inHosts = false;
  }
  return plays;
}

function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

export interface PlaySource {
  name?: string;
  /** The `hosts:` as written, before rendering. */
  hosts: string;
  allowNoHosts: boolean;
}

/**
 * The plays of a playbook file in the order Ansible numbers them, `import_playbook` followed when
 * it names a file (a templated name cannot be followed: its plays are then unknown, not allowed).
 */
export function playSources(file: string, depth = 0): PlaySource[] {
  if (depth > 10 || !existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = jsYaml.load(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(doc)) return [];
  const out: PlaySource[] = [];
  for (const p of doc as Array<Record<string, unknown>>) {
    if (!p || typeof p !== 'object') continue;
    const imported = p.import_playbook ?? p['ansible.builtin.import_playbook'];
    if (typeof imported === 'string') {
      if (!imported.includes('{{')) out.push(...playSources(isAbsolute(imported) ? imported : join(dirname(file), imported), depth + 1));
      continue;
    }
    const hosts = typeof p.hosts === 'string' ? p.hosts : Array.isArray(p.hosts) ? p.hosts.join(',') : '';
    const vars = p.vars && typeof p.vars === 'object' ? (p.vars as Record<string, unknown>) : {};
    const tags = Array.isArray(p.tags) ? p.tags.map(String) : typeof p.tags === 'string' ? splitTags(p.tags) : [];
    const allow = vars[ALLOW_NO_HOSTS] === true || vars[ALLOW_NO_HOSTS] === 'true' || tags.includes(ALLOW_NO_HOSTS);
    out.push({ name: typeof p.name === 'string' ? p.name : undefined, hosts, allowNoHosts: allow });
  }
  return out;
}

export interface EmptyPlay {
  playbook: string;
  play: string;
  /** As written in the playbook, when it differs from the rendered pattern. */
  written?: string;
  pattern: string;
}

/** Plays that match no host and did not opt out. `sources` maps a listed playbook name to its plays. */
export function emptyPlays(listed: ListedPlay[], sources: (playbook: string) => PlaySource[]): EmptyPlay[] {
  const out: EmptyPlay[] = [];
  for (const p of listed) {
    if (p.hosts.length > 0 || p.tags.includes(ALLOW_NO_HOSTS)) continue;
    const src = sources(p.playbook)[p.index - 1];
    if (src?.allowNoHosts) continue;
    const written = src && src.hosts !== p.pattern ? src.hosts : undefined;
    out.push({ playbook: p.playbook, play: p.name, pattern: p.pattern, written });
  }
  return out;
}

/**
 * At run time: plays Ansible skipped because no host matched (`PLAY [x]` followed by
 * `skipping: no hosts matched`), by play name.
 */
export function skippedPlays(output: string): string[] {
  const out: string[] = [];
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (let n = 0; n < lines.length - 1; n++) {
    const m = /^PLAY \[(.*)\] \**$/.exec(lines[n]!);
    if (m && lines[n + 1] === 'skipping: no hosts matched') out.push(m[1]!);
  }
  return out;
}

/** Patterns Ansible warned it could not match ("Could not match supplied host pattern, ignoring: X"). */
export function unmatchedPatterns(output: string): string[] {
  return [...new Set([...output.matchAll(/Could not match supplied host pattern, ignoring: (\S+)/g)].map((m) => m[1]!))];
}
