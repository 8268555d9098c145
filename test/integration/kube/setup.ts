/**
 * Shared set-up of the Kubernetes suites: a private copy of the ops project with Kubernetes
 * environments pointing at a kubeconfig (the test control plane's, or, opt-in, a real cluster's),
 * and a fragctl runner for that project.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl, type CliResult } from '../../helpers/cli.js';

export interface KubeProject {
  dir: string;
  kubeconfig: string;
  run(args: string[], input?: { input?: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult>;
  writeEnv(name: string, yaml: string): void;
}

/**
 * A copy of the reference project whose Kubernetes environments use `kubeconfigText`. `app` renames
 * the application (and so every namespace), so that test files sharing one cluster never meet.
 */
export function kubeProject(kubeconfigText: string, context?: string, app?: string): KubeProject {
  const dir = copyProject();
  if (app) {
    const vars = join(dir, 'playbooks', 'group_vars', 'all.yml');
    writeFileSync(vars, readFileSync(vars, 'utf8').replace(/^app_name: .*$/m, `app_name: ${app}`));
  }
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'fragctl-kube-')), 'config');
  writeFileSync(kubeconfig, kubeconfigText);
  const ctxLine = context ? `  context: ${context}\n` : '';
  const writeEnv = (name: string, yaml: string) => writeFileSync(join(dir, 'environments', `${name}.yml`), yaml);
  writeEnv(
    'dev',
    `platform: kubernetes\nkubernetes:\n  kind: developer\n  user: alice\n  stack: main\n  kubeconfig: ${kubeconfig}\n${ctxLine}  image: registry.example.test/shop\n  verify_image: false\n  tag: latest-1\n  restart: [app]\n`,
  );
  writeEnv(
    'kube-staging',
    `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${kubeconfig}\n${ctxLine}  image: registry.example.test/shop\n  verify_image: false\n  replicas: 2\n  tls_issuer: letsencrypt\n  restart: [app]\n`,
  );
  writeEnv(
    'kube-production',
    `platform: kubernetes\nprotected: true\nkubernetes:\n  kind: shared\n  kubeconfig: ${kubeconfig}\n${ctxLine}  image: registry.example.test/shop\n  verify_image: false\n  replicas: 2\n  database: external\n  database_host: db.example.test\n  restart: [app]\n`,
  );
  return {
    dir,
    kubeconfig,
    writeEnv,
    run: (args, o = {}) =>
      fragctl([...args, '--project-dir', dir], {
        input: o.input,
        timeoutMs: o.timeoutMs ?? 60_000,
        env: { FRAGCTL_USER: 'tester', KUBECONFIG: undefined, ...o.env },
      }),
  };
}
