/**
 * The stack's generated secrets: made once, on the first deploy, and never regenerated (a new
 * database password would lock the app out of its data). Their values are registered with the
 * redactor as soon as they are known.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { registerSecret } from '../redact.js';
import type { KubeStack } from './stack.js';

/** Secret name → keys, from the setting `kube_generated_secrets` (group_vars or the environment's settings). */
export type GeneratedSecrets = Record<string, string[]>;

export function generatedSecrets(settings: Record<string, unknown>): GeneratedSecrets {
  const raw = settings.kube_generated_secrets;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []]));
}

export function secretManifest(stack: KubeStack, name: string, keys: string[]): KubeObject & { kind: string } {
  const data: Record<string, string> = {};
  for (const k of keys) {
    const value = randomBytes(24).toString('base64url');
    registerSecret(value);
    data[k] = value;
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, namespace: stack.namespace, labels: stack.labels },
    stringData: data,
  };
}

/** Creates the missing secrets; returns the names created. Existing ones are read only to redact their values. */
export async function ensureSecrets(api: KubeClient, stack: KubeStack, secrets: GeneratedSecrets): Promise<string[]> {
  const created: string[] = [];
  for (const [name, keys] of Object.entries(secrets)) {
    const existing = await api.get('Secret', name, stack.namespace);
    if (existing) {
      registerValues(existing);
      continue;
    }
    await api.create(secretManifest(stack, name, keys));
    created.push(name);
  }
  return created;
}

function registerValues(secret: KubeObject): void {
  for (const v of Object.values(secret.data ?? {})) {
    registerSecret(v);
    registerSecret(Buffer.from(v, 'base64').toString('utf8'));
  }
}
