/**
 * Keys in group_vars/all.yml that look like a fragctl setting under another name: the names older
 * tools used (`region`, `base_ami`, `remote_user`, `keyname`) and typos (`app_nmae`). fragctl keeps
 * unknown keys for Ansible, so such a key would be silently ignored; instead it is named with the
 * setting it probably means, as a warning (the value is still passed to Ansible unchanged).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { SharedSettings } from './schema.js';

export const SETTING_ALIASES: Record<string, string> = {
  region: 'aws_region',
  aws_default_region: 'aws_region',
  ec2_region: 'aws_region',
  base_ami: 'base_image_id',
  ami: 'base_image_id',
  ami_id: 'base_image_id',
  base_image: 'base_image_id',
  remote_user: 'ssh_user',
  ansible_user: 'ssh_user',
  ansible_ssh_user: 'ssh_user',
  keyname: 'key_name',
  key_pair: 'key_name',
  keypair: 'key_name',
  ssh_key_name: 'key_name',
  app: 'app_name',
  application: 'app_name',
  instance_type: 'app_instance_type',
  db_instance_type: 'db_instance_class',
};

export const KNOWN_SETTINGS: string[] = Object.keys(SharedSettings.entries);

/** The fragctl setting a key probably means, or undefined when it is an Ansible variable like any other. */
export function probableSetting(key: string): string | undefined {
  if (KNOWN_SETTINGS.includes(key)) return undefined;
  const alias = SETTING_ALIASES[key.toLowerCase()];
  if (alias) return alias;
  if (key.length < 5) return undefined;
  // One edit for short keys, two (a swap) for longer ones: `app_port` is not `app_name` (four edits).
  const budget = key.length >= 7 ? 2 : 1;
  let best: { name: string; d: number } | undefined;
  for (const name of KNOWN_SETTINGS) {
    const d = distance(key, name);
    if (d <= budget && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

export interface SettingWarning {
  key: string;
  setting: string;
  message: string;
}

/** Warnings for the keys of all.yml that probably mean a fragctl setting that is not set there. */
export function settingWarnings(raw: Record<string, unknown>, file: string): SettingWarning[] {
  const out: SettingWarning[] = [];
  for (const key of Object.keys(raw)) {
    const setting = probableSetting(key);
    if (!setting || raw[setting] !== undefined) continue;
    out.push({
      key,
      setting,
      message: `${file}: ${key} is not a fragctl setting: did you mean ${setting}? (${setting} keeps its default; ${key} is passed to Ansible as it is)`,
    });
  }
  return out;
}

/** A sample next to a missing file: all-sample.yml, all.yml.example, all.sample.yml, *.dist… */
export function sampleFor(file: string): string | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return undefined;
  const stem = basename(file).replace(/\.ya?ml$/, '');
  const candidates = readdirSync(dir).filter(
    (f) => f.startsWith(stem) && f !== basename(file) && /(sample|example|dist|template|default)/i.test(f),
  );
  return candidates.sort()[0] ? join(dir, candidates.sort()[0]!) : undefined;
}
