/**
 * The stack's generated secrets: made once, on the first deploy, and never regenerated (a new
 * database password would lock the app out of its data). Their values are registered with the
 * redactor as soon as they are known.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { registerSecret } from '../redact.js';
import { APP_SECRET, DATABASE_SECRET, type KubeStack } from './stack.js';

const SECRETS: Record<string, string[]> = { [APP_SECRET]: ['secret-key'], [DATABASE_SECRET]: ['password'] };

export const secretNames = (): string[] => Object.keys(SECRETS);

export function secretManifest(stack: KubeStack, name: string): KubeObject & { kind: string } {
  const data: Record<string, string> = {};
  for (const k of SECRETS[name] ?? []) {
    const value = randomBytes(24).toString('base64url');
    registerSecret(value);
    data[k] = value;
  }
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace: stack.namespace, labels: stack.labels }, stringData: data };
}

/** Creates the missing secrets; returns the names created. Existing ones are read only to redact their values. */
export async function ensureSecrets(api: KubeClient, stack: KubeStack): Promise<string[]> {
  const created: string[] = [];
  for (const name of secretNames()) {
    const existing = await api.get('Secret', name, stack.namespace);
    if (existing) {
      registerValues(existing);
      continue;
    }
    await api.create(secretManifest(stack, name));
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
