/**
 * A first deploy's templates, checked before the run lock: the lock's Lease lives in the stack's
 * namespace, so taking it makes the namespace. A template that does not render (an unknown
 * variable, bad YAML, a kind the cluster does not know) must stop the deploy before that, leaving
 * nothing behind. Once the namespace exists the deploy renders under the lock as usual, so this
 * costs nothing on later deploys.
 */
import type { Context } from '../context.js';
import { chosenImage, noTag, type ImageChoice } from './choose-image.js';
import { renderChange } from './release/change.js';
import { openStack, releaseImage } from './release/open.js';

export async function checkFirstDeploy(ctx: Context, choice: ImageChoice & { adopt?: boolean }): Promise<void> {
  const s = await openStack(ctx, { adopt: choice.adopt });
  if (s.namespace) return;
  const image = chosenImage(s.stack, choice) ?? releaseImage(s.history.at(-1));
  if (!image) throw noTag(s.stack);
  await renderChange(ctx, s, { image });
}
