/**
 * The Django fixture ops project (test/fixtures/kube-django/kubernetes) on top of a copy of the
 * reference project: its templates replace the reference's, the reference's vault (demo password)
 * supplies the secrets the templates render into a Secret.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { DEMO_VAULT_PASSWORD } from '../deploy/lab.js';
import { kubeProject, type KubeProject } from './setup.js';

export const VAULT_ENV = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };

export function djangoProject(
  kubeconfigText: string,
  app: string,
  settings = '',
): KubeProject & { useTemplates(dir: string): void; writeSettings(yaml: string): void } {
  const p = kubeProject(kubeconfigText, undefined, app);
  const useTemplates = (dir: string) => {
    rmSync(join(p.dir, 'kubernetes'), { recursive: true, force: true });
    cpSync(dir, join(p.dir, 'kubernetes'), { recursive: true });
  };
  useTemplates(join(ROOT, 'test', 'fixtures', 'kube-django', 'kubernetes'));
  const writeSettings = (yaml: string) =>
    p.writeEnv(
      'django',
      `platform: kubernetes\nsettings:\n  kube_generated_secrets: {}\n${yaml.replace(/^/gm, '  ')}\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/django\n  verify_image: false\n  host: shop.example.test\n  tls_issuer: letsencrypt-prod\n`,
    );
  writeSettings(settings);
  const run: KubeProject['run'] = (args, o = {}) => p.run(args, { ...o, env: { ...VAULT_ENV, ...o.env } });
  return { ...p, run, useTemplates, writeSettings };
}
