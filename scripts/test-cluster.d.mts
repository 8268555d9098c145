/** Types of test-cluster.mjs for TypeScript callers (bench/kube-rollout.ts). */
export function startTestCluster(): { state: string; stop(): void };
