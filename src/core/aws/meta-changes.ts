/**
 * What a change set does not list: CloudFormation's changes name resources only, so a template
 * whose Outputs changed, or a stack whose tags change, gives a change set with no changes that
 * still does something when executed. These are found by comparing the deployed template and
 * tags with the desired ones, so that plan and update can say what the change is.
 */
import type { Stack } from '../../providers/aws/cloudformation.js';
import { parseTemplateBody, type Template } from '../formations/index.js';
import { SECRET_HASH_TAG } from './secret-hashes.js';
import { canonical } from './stack.js';

export interface MetaChanges {
  /** Outputs added, removed or changed: `Region (added)`. */
  outputChanges: string[];
  /** Stack tags fragctl sets whose value changes (the secret hashes are shown as parameter changes). */
  tagChanges: string[];
}

export function metaChanges(deployedBody: string, desired: Template, stack: Stack, wantedTags: Record<string, string>): MetaChanges {
  const before = (parseTemplateBody(deployedBody)?.Outputs ?? {}) as Record<string, unknown>;
  const after = (desired.Outputs ?? {}) as Record<string, unknown>;
  const outputs: string[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (!(name in before)) outputs.push(`${name} (added)`);
    else if (!(name in after)) outputs.push(`${name} (removed)`);
    else if (canonical(before[name]) !== canonical(after[name])) outputs.push(`${name} (changed)`);
  }
  const current = new Map((stack.Tags ?? []).map((t) => [t.Key, t.Value]));
  const tags = Object.entries(wantedTags)
    .filter(([k, v]) => k !== SECRET_HASH_TAG && current.get(k) !== v)
    .map(([k]) => `${k} (${current.has(k) ? 'changed' : 'added'})`);
  return { outputChanges: outputs, tagChanges: tags };
}

/** `outputs changed: Region (added); tags changed: Team (added)`, or '' when nothing. */
export function describeMeta(m: MetaChanges): string {
  return [
    m.outputChanges.length ? `outputs changed: ${m.outputChanges.join(', ')}` : '',
    m.tagChanges.length ? `tags changed: ${m.tagChanges.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
