/** Helpers to point real clients (kubectl, @kubernetes/client-node) at a running fake. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { FakeKube } from './server.js';

export interface KubectlResult { code: number; stdout: string; stderr: string }

export interface Kubectl {
  /** Runs /usr/bin/kubectl with a kubeconfig for the fake (never the machine's own) and a request timeout. */
  run(args: string[], stdin?: string): Promise<KubectlResult>;
  kubeconfigPath: string;
  dispose(): void;
}

export function kubectlFor(kube: FakeKube, bin = process.env.KUBECTL ?? '/usr/bin/kubectl'): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kube.kubeconfig(), { mode: 0o600 });
  const base = ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'cache'), '--request-timeout=10s'];
  return {
    kubeconfigPath,
    run: (args, stdin) =>
      new Promise((resolve) => {
        const child = execFile(bin, [...base, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (stdin !== undefined) child.stdin?.end(stdin);
      }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A client-node KubeConfig for the fake (http, so skipTLSVerify as client-node expects). */
export function kubeConfigFor(kube: FakeKube, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: kube.url, skipTLSVerify: true }],
    users: [{ name: 'fake' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
    currentContext: 'fake',
  });
  return kc;
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
