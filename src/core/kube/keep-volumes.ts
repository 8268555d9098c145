/**
 * Undeploy keeps the data: before the namespace goes, the volume bound to each of its claims is
 * set to the reclaim policy Retain and labelled with where it came from, so deleting the claims
 * (with the namespace) releases the volumes instead of deleting them. `--delete-data` leaves the
 * policies alone (the storage class's, often Delete).
 */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { KubeClient } from '../../providers/kube/client.js';
import { KubeApiError } from '../../providers/kube/errors.js';
import type { KubeObject } from '../../providers/kube/resources.js';

export const RELEASED_FROM = 'fragctl.io/released-from';

export interface ClaimedVolume {
  claim: string;
  volume: string;
  capacity?: string;
  /** The volume's reclaim policy before undeploy. */
  policy: string;
}

type Claim = KubeObject & { spec?: { volumeName?: string }; status?: { capacity?: { storage?: string } } };
type Volume = KubeObject & { spec?: { persistentVolumeReclaimPolicy?: string } };

/** The volumes bound to the namespace's claims (a claim still Pending has none). */
export async function claimedVolumes(api: KubeClient, namespace: string): Promise<ClaimedVolume[]> {
  const { items } = await api.list<Claim>('PersistentVolumeClaim', namespace);
  const out: ClaimedVolume[] = [];
  for (const c of items) {
    const volume = c.spec?.volumeName;
    if (!volume) continue;
    const pv = await api.get<Volume>('PersistentVolume', volume);
    if (!pv) continue;
    out.push({
      claim: c.metadata.name,
      volume,
      capacity: c.status?.capacity?.storage,
      policy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Delete',
    });
  }
  return out.sort((a, b) => a.claim.localeCompare(b.claim));
}

/** Sets Retain on each volume and labels it with its namespace; refuses (nothing deleted) when the user may not. */
export async function retainVolumes(ctx: Context, api: KubeClient, namespace: string, volumes: ClaimedVolume[]): Promise<void> {
  for (const v of volumes) {
    try {
      await api.mergePatch('PersistentVolume', v.volume, undefined, {
        metadata: { labels: { [RELEASED_FROM]: namespace }, annotations: { 'fragctl.io/claim': `${namespace}/${v.claim}` } },
        spec: { persistentVolumeReclaimPolicy: 'Retain' },
      });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 403) {
        throw new UserError(`cannot keep the data of ${ctx.env.name}: this user may not patch the volume ${v.volume} (claim ${v.claim})`, {
          hint: 'ask for patch on persistentvolumes (cluster-wide), or pass --delete-data to delete the volumes with the namespace; nothing was deleted',
          code: 'KUBE_FORBIDDEN',
        });
      }
      throw e;
    }
  }
}

export const describeVolumes = (volumes: ClaimedVolume[]): string =>
  volumes.map((v) => `${v.claim} (${v.volume}${v.capacity ? `, ${v.capacity}` : ''})`).join(', ');
