/**
 * The variables templates are rendered with: the effective settings (group_vars/all.yml with the
 * environment's `settings`), the stack's names, the image of this run, and the run's own values
 * (a loader's image, a replicator's source). Vault values are added only when a template uses a
 * name nothing else defines, so stacks that need no secret need no vault password.
 */
import type { Context } from '../../context.js';
import { loadVaultSecrets } from '../../secrets/vault.js';
import { formatImage, type ContainerImageRef } from '../image.js';
import { MOVING_TAGS, type KubeStack } from '../stack.js';
import type { TemplateVars } from './render.js';

export { OPTIONAL_VARS } from './optional-vars.js';

const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function stackVars(ctx: Pick<Context, 'env'>, stack: KubeStack, image?: ContainerImageRef): TemplateVars {
  const moving = image && !image.digest && MOVING_TAGS.includes(image.tag ?? '');
  return {
    ...(ctx.env.settings as Record<string, unknown>),
    ...defined({
      env_name: stack.env,
      app_name: stack.app,
      stack_name: stack.stack ?? stack.env,
      user: stack.user,
      namespace: stack.namespace,
      host: stack.host,
      url: stack.url,
      domain: stack.settings.domain,
      replicas: stack.replicas,
      tls_issuer: stack.tlsIssuer,
      storage_class: stack.storageClass,
      database: stack.database,
      database_host: stack.databaseHost,
      stack_image: image?.repository ?? stack.image,
      stack_image_tag: image?.tag,
      stack_image_digest: image?.digest,
      stack_image_ref: image ? formatImage(image) : undefined,
      image_pull_policy: image ? (moving ? 'Always' : 'IfNotPresent') : undefined,
      protected: stack.protected,
    }),
  };
}

/** The vault values among `names` (the vault is read only when asked). */
export function vaultLookup(ctx: Pick<Context, 'project' | 'options'>): (names: string[]) => Promise<TemplateVars> {
  return async (names) => {
    const vault = await loadVaultSecrets(ctx);
    return Object.fromEntries(names.filter((n) => n in vault).map((n) => [n, vault[n]]));
  };
}
