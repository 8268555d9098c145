import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../errors.js';
import type { FormationFile, Template } from './read.js';
import { checkReferences } from './references.js';
import { checkCycles } from './cycles.js';
import { checkUpdatePolicies } from './update-policy.js';

/** Which file each merged logical ID came from (`Section.ID` → formations/x.json), per merged template. */
const ORIGINS = new WeakMap<Template, Map<string, string>>();

/** The formation file that defined `section.id` in a merged template, when known. */
export function formationOf(template: Template, section: string, id: string): string | undefined {
  return ORIGINS.get(template)?.get(`${section}.${id}`);
}

/** Sections whose entries are keyed by logical ID and merged across files. */
export const KEYED_SECTIONS = ['Parameters', 'Rules', 'Mappings', 'Conditions', 'Resources', 'Outputs'] as const;
const SINGLE_SECTIONS = ['AWSTemplateFormatVersion', 'Description'] as const;
const SECTION_ORDER = ['AWSTemplateFormatVersion', 'Description', 'Transform', 'Metadata', ...KEYED_SECTIONS];

export interface MergeOptions {
  description?: string;
}

/**
 * Merge formation files into one template. A logical ID defined twice in a section is an error
 * naming both files; identical Parameters may repeat. The result is deterministic: sections in
 * CloudFormation's usual order, entries sorted by logical ID.
 */
export function mergeFormations(files: FormationFile[], options: MergeOptions = {}): Template {
  const origin = new Map<string, string>();
  const merged: Record<string, Record<string, unknown>> = {};
  const single: Record<string, { value: unknown; file: string }> = {};
  const transforms = new Set<string>();
  const metadata: Record<string, unknown> = {};

  for (const { file, template } of files) {
    for (const [section, body] of Object.entries(template)) {
      if ((KEYED_SECTIONS as readonly string[]).includes(section)) {
        mergeSection(section, body, file, merged, origin);
      } else if ((SINGLE_SECTIONS as readonly string[]).includes(section)) {
        single[section] ??= { value: body, file };
      } else if (section === 'Transform') {
        for (const t of Array.isArray(body) ? body : [body]) transforms.add(String(t));
      } else if (section === 'Metadata') {
        mergeSection('Metadata', body, file, { Metadata: metadata }, origin);
      } else {
        throw new UserError(`${file}: unknown top-level section "${section}"`, {
          hint: `CloudFormation knows ${SECTION_ORDER.join(', ')}`,
          code: 'FORMATION_INVALID',
        });
      }
    }
  }
  if (!merged.Resources || Object.keys(merged.Resources).length === 0) {
    throw new UserError('the merged template has no Resources', {
      hint: 'at least one formation must declare Resources',
      code: 'FORMATION_INVALID',
    });
  }

  const out: Template = {};
  out.AWSTemplateFormatVersion = single.AWSTemplateFormatVersion?.value ?? '2010-09-09';
  const description = options.description ?? single.Description?.value;
  if (description !== undefined) out.Description = description;
  if (transforms.size) out.Transform = [...transforms].sort();
  if (Object.keys(metadata).length) out.Metadata = sortKeys(metadata);
  for (const section of KEYED_SECTIONS) {
    if (merged[section] && Object.keys(merged[section]).length) out[section] = sortKeys(merged[section]);
  }
  ORIGINS.set(out, origin);
  checkSharedNames(out, origin);
  checkReferences(files, out);
  checkCycles(out, (section, id) => origin.get(`${section}.${id}`) ?? '?');
  checkUpdatePolicies(out, (section, id) => origin.get(`${section}.${id}`) ?? '?');
  return out;
}

function mergeSection(
  section: string,
  body: unknown,
  file: string,
  merged: Record<string, Record<string, unknown>>,
  origin: Map<string, string>,
): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UserError(`${file}: ${section} must be a mapping of logical IDs`, { code: 'FORMATION_INVALID' });
  }
  const target = (merged[section] ??= {});
  for (const [id, value] of Object.entries(body)) {
    const key = `${section}.${id}`;
    const first = origin.get(key);
    if (first !== undefined) {
      if (section === 'Parameters' && isDeepStrictEqual(target[id], value)) continue;
      const what = section === 'Parameters' ? 'defined differently' : 'defined twice';
      throw new UserError(`logical ID ${id} in ${section} is ${what}: in ${first} and in ${file}`, {
        hint: 'rename one of them, or keep one definition in a single formation',
        code: 'FORMATION_CONFLICT',
      });
    }
    origin.set(key, file);
    target[id] = value;
  }
}

/** Parameters and Resources share one namespace (Ref reaches both): a name in both is ambiguous. */
function checkSharedNames(template: Template, origin: Map<string, string>): void {
  const resources = (template.Resources as Record<string, unknown> | undefined) ?? {};
  const shared = Object.keys((template.Parameters as object | undefined) ?? {}).filter((id) => id in resources);
  const [first, ...rest] = shared.map(
    (id) =>
      `logical ID ${id} is both a Parameter (in ${origin.get(`Parameters.${id}`)}) and a Resource (in ${origin.get(`Resources.${id}`)})`,
  );
  if (first) {
    throw new UserError(first, {
      details: rest,
      hint: 'CloudFormation needs Parameter and Resource logical IDs to be unique across the template: rename one of them (and its Refs)',
      code: 'FORMATION_CONFLICT',
    });
  }
}

function sortKeys(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, obj[k]]),
  );
}
