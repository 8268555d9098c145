import type { Context } from '../context.js';
import { DeclinedError } from '../errors.js';
import { info, success } from '../io.js';
import { withImageLock } from '../locks/image-lock.js';
import { terminateInstances } from '../../providers/aws/ec2.js';
import { leftoverImageInstances } from './bake.js';
import { imageInputsHash, HASH_TAG, listImages, toRef, type AmiRef } from './image.js';
import { deleteImages, imagesInUse } from './images-gc.js';
import { preflight, touched } from './preflight.js';
import { tagOf } from '../../providers/aws/ec2.js';

export interface CleanResult {
  instances: string[];
  images: AmiRef[];
  snapshots: string[];
  kept: Array<AmiRef & { why: string }>;
  /** Builders launched by another environment's bake: never touched here. */
  foreignInstances: Array<{ instanceId: string; env: string }>;
}

/**
 * Removes leftover image instances and images beyond `images_to_keep`. Never removed: the image
 * baked from the current inputs, an image any environment's stack runs, the newest images_to_keep,
 * a builder another environment's bake launched (tag Env). Images and builders belong to the
 * application: clean holds the application-wide image lock, as bake does.
 */
export async function clean(ctx: Context): Promise<CleanResult> {
  await preflight(ctx);
  // the images are the application's: no bake or clean of another environment meanwhile
  return ctx.options.dryRun ? cleanUnlocked(ctx) : withImageLock(ctx, 'clean', () => cleanUnlocked(ctx));
}

async function cleanUnlocked(ctx: Context): Promise<CleanResult> {
  const keepCount = ctx.env.settings.images_to_keep;
  const builders = await leftoverImageInstances(ctx);
  const foreignInstances = builders
    .filter((i) => (tagOf(i.Tags, 'Env') ?? ctx.env.name) !== ctx.env.name)
    .map((i) => ({ instanceId: i.InstanceId!, env: tagOf(i.Tags, 'Env')! }));
  const instances = builders.map((i) => i.InstanceId!).filter((id) => !foreignInstances.some((f) => f.instanceId === id));
  const images = await listImages(ctx);
  let currentHash: string | undefined;
  try {
    currentHash = imageInputsHash(ctx);
  } catch {
    currentHash = undefined; // no image playbook: no image is "current" by its inputs
  }
  const inUse = await imagesInUse(ctx);
  const current = images.find((i) => tagOf(i.Tags, HASH_TAG) === currentHash && i.State === 'available');
  const kept: CleanResult['kept'] = [];
  const doomed: AmiRef[] = [];
  images.forEach((image, index) => {
    const ref = toRef(image);
    const why =
      image === current
        ? 'current: baked from the current inputs'
        : inUse.has(ref.imageId)
          ? `in use by stack ${inUse.get(ref.imageId)}`
          : index < keepCount
            ? `among the newest ${keepCount} (images_to_keep)`
            : undefined;
    if (why) kept.push({ ...ref, why });
    else doomed.push(ref);
  });
  if (!instances.length && !doomed.length) {
    success(ctx.io, 'clean.nothing', `nothing to clean: ${images.length} image(s) kept, no leftover image instance`);
    return { instances: [], images: [], snapshots: [], kept, foreignInstances };
  }
  info(
    ctx.io,
    'clean.plan',
    [
      'to remove:',
      ...instances.map((i) => `  - image instance ${i}`),
      ...doomed.map((i) => `  - image ${i.imageId} ${i.name} (and its snapshots)`),
      ...(kept.length ? ['kept:', ...kept.map((k) => `  + ${k.imageId} ${k.name}: ${k.why}`)] : []),
      ...foreignInstances.map(
        (f) => `  + image instance ${f.instanceId}: launched by ${f.env}'s bake (\`fragctl ${f.env} clean\` handles it)`,
      ),
    ].join('\n'),
  );
  if (ctx.options.dryRun) return { instances, images: doomed, snapshots: [], kept, foreignInstances };
  const ok = await ctx.io.confirm({ message: `remove ${instances.length} instance(s) and ${doomed.length} image(s)?` });
  if (!ok) throw new DeclinedError('declined: nothing was removed', { code: 'DECLINED' });
  await terminateInstances(ctx.aws, instances);
  if (instances.length) touched(ctx, `terminated ${instances.join(', ')}`, { instanceIds: instances });
  const snapshots = await deleteImages(
    ctx,
    doomed.map((d) => d.imageId),
  );
  success(ctx.io, 'clean.done', `removed ${instances.length} instance(s), ${doomed.length} image(s), ${snapshots.length} snapshot(s)`);
  return { instances, images: doomed, snapshots, kept, foreignInstances };
}
