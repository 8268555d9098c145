import type { Context } from '../context.js';
import { DeclinedError, UserError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { deleteStack, describeStack, getTemplateBody, stackResources } from '../../providers/aws/cloudformation.js';
import { parseTemplateBody } from '../formations/index.js';
import { stackImageId } from './parameters.js';
import { deleteImages, imagesInUse } from './images-gc.js';
import { preflight, touched } from './preflight.js';
import { takeFinalSnapshots, type FinalSnapshot } from './snapshots.js';
import { stopApplication, type AppStopped } from './stop-app.js';
import { listDbSnapshots } from '../../providers/aws/rds.js';
import { envStackName, parametersOf } from './stack.js';
import { isInProgress } from './states.js';
import { dropProtectionForDelete } from './protection.js';
import { latestEventId, waitForStack } from './wait.js';

export interface DecommissionOptions {
  deleteImage?: boolean;
  skipFinalSnapshot?: boolean;
  forceProtected?: boolean;
  /** Skip stopping the application before the final snapshot (writes after it are lost). */
  noStop?: boolean;
}

export interface DecommissionResult {
  stack: string;
  deleted: boolean;
  /** What the stack delete removes. */
  resources: StackResourceView[];
  /** What CloudFormation keeps because of the resource's DeletionPolicy (Retain, RetainExceptOnCreate, Snapshot). */
  retained: Array<StackResourceView & { policy: string }>;
  snapshots: FinalSnapshot[];
  /** Snapshots CloudFormation took itself on delete (DeletionPolicy: Snapshot). */
  policySnapshots: Array<{ logicalId: string; dbInstance: string; snapshotId: string; status: string }>;
  stopped?: { at: string; task?: string; groups: string[] };
  imageDeleted?: string;
  kept: string[];
}

interface StackResourceView {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
}

const KEEPING_POLICIES = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

export async function decommission(ctx: Context, opts: DecommissionOptions): Promise<DecommissionResult> {
  const name = envStackName(ctx);
  if (ctx.env.protected && !opts.forceProtected) {
    throw new UserError(`${ctx.env.name} is a protected environment: decommission refused`, {
      hint: `if you really mean to delete ${ctx.env.name}, run \`fragctl ${ctx.env.name} decommission --force-protected\``,
      code: 'ENV_PROTECTED',
    });
  }
  await preflight(ctx);
  const stack = await describeStack(ctx.aws, name);
  if (!stack) {
    success(ctx.io, 'stack.absent', `stack ${name} does not exist: nothing to decommission`);
    return { stack: name, deleted: false, resources: [], retained: [], snapshots: [], policySnapshots: [], kept: [] };
  }
  if (stack.EnableTerminationProtection && !opts.forceProtected) {
    throw new UserError(`stack ${name} has termination protection on: decommission refused`, {
      hint: `\`fragctl ${ctx.env.name} decommission --force-protected\` turns it off and deletes the stack`,
      code: 'STACK_PROTECTED',
    });
  }
  if (isInProgress(stack.StackStatus ?? '') && stack.StackStatus !== 'DELETE_IN_PROGRESS') {
    throw new UserError(`stack ${name} is busy (${stack.StackStatus})`, {
      hint: `wait with \`fragctl ${ctx.env.name} status --watch\`, then decommission`,
      code: 'STACK_BUSY',
    });
  }
  const all = (await stackResources(ctx.aws, stack.StackId ?? name))
    .filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE')
    .map((r) => ({
      logicalId: r.LogicalResourceId ?? '?',
      type: r.ResourceType ?? '?',
      physicalId: r.PhysicalResourceId,
      status: r.ResourceStatus ?? '',
    }));
  // The stack's own template says what its delete keeps: DeletionPolicy per resource.
  const policies = deletionPolicies(await getTemplateBody(ctx.aws, stack.StackId ?? name));
  const retained = all
    .filter((r) => KEEPING_POLICIES.includes(policies[r.logicalId] ?? ''))
    .map((r) => ({ ...r, policy: policies[r.logicalId]! }));
  const resources = all.filter((r) => !retained.some((k) => k.logicalId === r.logicalId));
  // Only databases the delete removes and that exist: one whose create failed has nothing to snapshot.
  const databases = all
    .filter((r) => r.type === 'AWS::RDS::DBInstance' && r.physicalId && /_COMPLETE$/.test(r.status) && !/ROLLBACK_COMPLETE$/.test(r.status))
    .filter((r) => !/^Retain/.test(policies[r.logicalId] ?? ''))
    .map((r) => r.physicalId!);
  const groups = all.filter((r) => r.type === 'AWS::AutoScaling::AutoScalingGroup' && r.physicalId).map((r) => r.physicalId!);
  const imageId = stackImageId(ctx, parametersOf(stack));
  const kept = [
    ...retained.map(
      (r) =>
        `${r.logicalId}  ${r.type}  ${r.physicalId ?? ''}  (DeletionPolicy ${r.policy}${r.policy === 'Snapshot' ? ': the resource goes, CloudFormation keeps a snapshot of it' : ': CloudFormation leaves it in place'})`,
    ),
    ...(opts.skipFinalSnapshot ? [] : databases.map((d) => `a final snapshot of database ${d}`)),
    ...(imageId && !opts.deleteImage ? [`the image ${imageId} (--delete-image removes it)`] : []),
  ];
  info(
    ctx.io,
    'decommission.plan',
    [
      `decommission ${ctx.env.name}: stack ${name} (${stack.StackStatus}) and ${resources.length} of its resources will be deleted:`,
      ...resources.map((r) => `  - ${r.logicalId}  ${r.type}  ${r.physicalId ?? ''}`.trimEnd()),
      opts.noStop
        ? '! --no-stop: the application is NOT stopped first; whatever it writes after the final snapshot is lost'
        : `first the application is stopped (task stop when the playbooks have one${groups.length ? `; ${groups.join(', ')} scaled to zero` : ''}), then the final snapshot taken`,
      kept.length ? 'kept:' : 'nothing is kept',
      ...kept.map((k) => `  + ${k}`),
      ...(opts.skipFinalSnapshot && databases.length ? [`  ! --skip-final-snapshot: the data of ${databases.join(', ')} is lost`] : []),
    ].join('\n'),
    { resources, retained, kept },
  );
  if (ctx.options.dryRun) return { stack: name, deleted: false, resources, retained, snapshots: [], policySnapshots: [], kept };

  const ok = await ctx.io.confirm({ message: `This deletes environment ${ctx.env.name} (stack ${name}).`, typeToConfirm: ctx.env.name });
  if (!ok) throw new DeclinedError('declined: nothing was deleted', { code: 'DECLINED' });

  let stopped: AppStopped | undefined;
  if (opts.noStop)
    warn(
      ctx.io,
      'decommission.no-stop',
      `--no-stop: ${ctx.env.name}'s application keeps running; writes after the final snapshot are lost`,
    );
  else stopped = await stopApplication(ctx, groups);
  const snapshots = opts.skipFinalSnapshot ? [] : await takeFinalSnapshots(ctx, databases, stopped?.stoppedAt);
  for (const s of snapshots)
    info(ctx.io, 'snapshot.final', `final snapshot ${s.snapshotId} of ${s.dbInstance}; restore with: ${s.restore}`, { ...s });
  await dropProtectionForDelete(ctx, stack);
  const since = await latestEventId(ctx, stack.StackId ?? name);
  const deleteStarted = new Date();
  await deleteStack(ctx.aws, stack.StackId ?? name);
  touched(ctx, `deleted stack ${name}`, { stackId: stack.StackId, snapshotIds: snapshots.map((s) => s.snapshotId) });
  await waitForStack(ctx, { stack: stack.StackId ?? name, operation: 'delete', sinceEventId: since, label: name });
  const policySnapshots = await deletionPolicySnapshots(
    ctx,
    retained,
    deleteStarted,
    snapshots.map((x) => x.snapshotId),
  );
  for (const p of policySnapshots)
    info(
      ctx.io,
      'snapshot.policy',
      `CloudFormation kept snapshot ${p.snapshotId} of ${p.dbInstance} (${p.logicalId}, DeletionPolicy Snapshot), ${p.status}`,
      { ...p },
    );
  for (const r of retained.filter(
    (k) => k.policy === 'Snapshot' && k.type === 'AWS::RDS::DBInstance' && !policySnapshots.some((p) => p.logicalId === k.logicalId),
  )) {
    warn(
      ctx.io,
      'snapshot.policy-missing',
      `no snapshot of ${r.physicalId ?? r.logicalId} (${r.logicalId}, DeletionPolicy Snapshot) was found after the delete`,
    );
  }
  let imageDeleted: string | undefined;
  if (opts.deleteImage && imageId) {
    const inUse = await imagesInUse(ctx, [ctx.env.name]);
    if (inUse.has(imageId)) warn(ctx.io, 'image.kept', `image ${imageId} is kept: ${inUse.get(imageId)} still uses it`);
    else {
      await deleteImages(ctx, [imageId]);
      imageDeleted = imageId;
    }
  }
  success(ctx.io, 'decommissioned', `environment ${ctx.env.name} is decommissioned`);
  return {
    stack: name,
    deleted: true,
    resources,
    retained,
    snapshots,
    policySnapshots,
    stopped: stopped && { at: stopped.stoppedAt.toISOString(), task: stopped.task, groups: stopped.groups },
    imageDeleted,
    kept,
  };
}

/** The snapshots CloudFormation took of DeletionPolicy: Snapshot databases during this delete. */
async function deletionPolicySnapshots(
  ctx: Context,
  retained: DecommissionResult['retained'],
  since: Date,
  ours: string[],
): Promise<DecommissionResult['policySnapshots']> {
  const out: DecommissionResult['policySnapshots'] = [];
  for (const r of retained.filter((k) => k.policy === 'Snapshot' && k.type === 'AWS::RDS::DBInstance' && k.physicalId)) {
    const snaps = (await listDbSnapshots(ctx.aws, r.physicalId!)).filter(
      (s) => !s.SnapshotCreateTime || s.SnapshotCreateTime.getTime() >= since.getTime() - 2000,
    );
    for (const s of snaps.filter(
      (x) => !ours.includes(x.DBSnapshotIdentifier ?? '') && !x.TagList?.some((t) => t.Key === 'fragctl:final-snapshot'),
    )) {
      out.push({
        logicalId: r.logicalId,
        dbInstance: r.physicalId!,
        snapshotId: s.DBSnapshotIdentifier ?? '?',
        status: s.Status ?? 'unknown',
      });
    }
  }
  return out;
}

function deletionPolicies(body: string): Record<string, string> {
  const resources = (parseTemplateBody(body)?.Resources ?? {}) as Record<string, { DeletionPolicy?: unknown }>;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => typeof r?.DeletionPolicy === 'string')
      .map(([id, r]) => [id, String(r.DeletionPolicy)]),
  );
}
