/**
 * Reads objects from the test cluster over its REST API, in the test's own process: the checks
 * `getObject` and `listObjects` (test/helpers/cluster.ts) make, often in polling loops. A kubectl
 * process per read cost about 35 ms of CPU each, hundreds of times a run. Names resolve as kubectl
 * resolves them (plural, singular, short name or kind, core group first), from one discovery per
 * process, done again once when a name is unknown (a CRD made since). Authentication is the
 * kubeconfig's own, through @kubernetes/client-node's KubeConfig, so FRAGCTL_TEST_KUBECONFIG works too.
 */
import { Agent, request, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface ApiResource {
  /** `/api/v1` or `/apis/<group>/<version>` */
  base: string;
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export class KubeRest {
  /** Every name a resource goes by (lower case), from the last discovery. */
  private names?: Promise<Map<string, ApiResource>>;

  private constructor(
    private readonly server: URL,
    private readonly options: RequestOptions,
  ) {}

  static async open(kubeconfig: string): Promise<KubeRest> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`${kubeconfig}: no current cluster`);
    const options: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    const { ca, cert, key, rejectUnauthorized } = options;
    return new KubeRest(new URL(cluster.server), {
      ...options,
      agent: new Agent({ keepAlive: true, ca, cert, key, rejectUnauthorized }),
    });
  }

  /** GET `path`; the status and the body, parsed when it is JSON (the text otherwise). */
  async get(path: string): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { ...this.options, method: 'GET', headers: { ...this.options.headers, accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  private async getOk(path: string): Promise<unknown> {
    const r = await this.get(path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** The resource kubectl would pick for `name` (e.g. `pvc`, `cronjob`, `Namespace`, `jobs.batch`). */
  async resource(name: string): Promise<ApiResource> {
    const key = name.toLowerCase();
    this.names ??= this.discover();
    let found = (await this.names).get(key);
    if (!found) {
      // a resource made since (a CRD): discover again, once
      this.names = this.discover();
      found = (await this.names).get(key);
    }
    if (!found) throw new Error(`error: the server doesn't have a resource type "${name}"`);
    return found;
  }

  /** Discovery, again on the next call when it fails (not a failure kept for the process's life). */
  private discover(): Promise<Map<string, ApiResource>> {
    return this.readNames().catch((e: unknown) => {
      this.names = undefined;
      throw e;
    });
  }

  private async readNames(): Promise<Map<string, ApiResource>> {
    type List = {
      groupVersion: string;
      resources: { name: string; singularName: string; namespaced: boolean; kind: string; shortNames?: string[] }[];
    };
    const groups = (await this.getOk('/apis')) as { groups: { preferredVersion: { groupVersion: string } }[] };
    const lists = await Promise.all([
      this.getOk('/api/v1') as Promise<List>,
      ...groups.groups.map((g) => this.getOk(`/apis/${g.preferredVersion.groupVersion}`) as Promise<List>),
    ]);
    const names = new Map<string, ApiResource>();
    for (const list of lists) {
      const group = list.groupVersion.includes('/') ? list.groupVersion.split('/')[0]! : '';
      const base = group ? `/apis/${list.groupVersion}` : '/api/v1';
      for (const r of list.resources) {
        if (r.name.includes('/')) continue; // subresources
        const resource = { base, apiVersion: list.groupVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced };
        const keys = [r.name, r.singularName || r.kind, r.kind, ...(r.shortNames ?? [])].map((k) => k.toLowerCase());
        for (const k of keys) {
          if (!names.has(k)) names.set(k, resource); // the core group first, as kubectl
          if (group) names.set(`${k}.${group}`, resource);
        }
      }
    }
    return names;
  }
}

/** The path of `resource` (one object when `name` is given) in `namespace`, or across all of them. */
export function resourcePath(r: ApiResource, namespace: string | undefined, name?: string): string {
  const scope = r.namespaced && namespace ? `${r.base}/namespaces/${encodeURIComponent(namespace)}` : r.base;
  return `${scope}/${r.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
