/**
 * Leftover image builders. A builder belongs to the application, and the bake that launched it
 * tags it with its environment (Env): doctor leaves another environment's builder alone, and
 * terminates its own (or an untagged one from an older fragctl) only while holding the
 * application-wide image lock, which a running bake holds.
 */
import type { Context } from '../context.js';
import type { FindingWithFix } from './types.js';

export async function builderFindings(ctx: Context, notes: string[]): Promise<FindingWithFix[]> {
  const [{ leftoverImageInstances }, ec2, { openImageLock, tryImageLock, describeImageLockHolder }, { isStale }] = await Promise.all([
    import('../aws/bake.js'),
    import('../../providers/aws/ec2.js'),
    import('../locks/image-lock.js'),
    import('../locks/stale.js'),
  ]);
  const env = ctx.env.name;
  const all = await leftoverImageInstances(ctx);
  const foreign = all.filter((i) => (ec2.tagOf(i.Tags, 'Env') ?? env) !== env);
  for (const i of foreign) {
    const owner = ec2.tagOf(i.Tags, 'Env')!;
    notes.push(
      `image-builder ${i.InstanceId} was launched by ${owner}'s bake (tag Env=${owner}): ${env} leaves it alone; \`fragctl ${owner} doctor\` checks it`,
    );
  }
  const mine = all.filter((i) => !foreign.includes(i));
  if (!mine.length) return [];
  const ids = mine.map((i) => i.InstanceId!).sort();
  let holder;
  try {
    holder = await (await openImageLock(ctx, { create: false })).status();
  } catch (e) {
    notes.push(`the image lock could not be read (${(e as Error).message.split('\n')[0]}): image-builder ${ids.join(', ')} left alone`);
    return [];
  }
  if (holder && !isStale(holder)) {
    notes.push(`image-builder ${ids.join(', ')} is left alone: ${describeImageLockHolder(holder)}`);
    return [];
  }
  const out: FindingWithFix[] = [];
  if (holder) {
    out.push({
      code: 'lock.image-stale',
      subject: `image lock of ${ctx.env.settings.app_name}`,
      problem: `${describeImageLockHolder(holder)}, but that process (pid ${holder.pid} on ${holder.host}) is gone`,
      fix: 'release it (doctor --fix), then terminate the builder it left',
      fixable: true,
      question: `Release the stale image lock (dead pid ${holder.pid}, ${holder.verb})?`,
      apply: async () => {
        await (await openImageLock(ctx, { create: false })).forceRelease();
        return 'released the image lock';
      },
      verify: async () => {
        const now = await (await openImageLock(ctx, { create: false })).status();
        return now
          ? { fixed: false, state: `still held: ${describeImageLockHolder(now)}` }
          : { fixed: true, state: 'the image lock is free' };
      },
    });
  }
  out.push({
    code: 'image.builder-left',
    subject: `instance ${ids.join(', ')}`,
    problem: `an image-builder instance (${ec2.tagOf(mine[0]!.Tags, 'Name') ?? 'image-builder'}${ec2.tagOf(mine[0]!.Tags, 'Env') ? `, launched by ${env}` : ', no Env tag'}) is left from a bake that did not finish; it costs money and holds nothing fragctl needs`,
    fix: `terminate it: aws ec2 terminate-instances --instance-ids ${ids.join(' ')} (or fragctl ${env} clean)`,
    fixable: true,
    question: `Terminate the leftover image-builder instance ${ids.join(', ')}?`,
    apply: async () => {
      const r = await tryImageLock(ctx, 'doctor', () => ec2.terminateInstances(ctx.aws, ids));
      if (!r.held) throw new Error(`not terminated: ${describeImageLockHolder(r.holder)}`);
      return `asked EC2 to terminate ${ids.join(', ')}`;
    },
    verify: async () => {
      const now = await ec2.describeInstances(ctx.aws, [], ids);
      const states = ids.map((id) => `${id} ${now.find((i) => i.InstanceId === id)?.State?.Name ?? 'gone'}`);
      const fixed = now.every((i) => ['shutting-down', 'terminated'].includes(i.State?.Name ?? ''));
      return { fixed, state: states.join(', ') };
    },
  });
  return out;
}
