/**
 * `doctor`: finds the stuck states an operator would otherwise clear in the console, says the exact
 * fix for each, and with `--fix` applies each fix after its own confirmation (`--yes` in scripts;
 * without a TTY and without `--yes` it refuses rather than guess).
 */
import type { Context } from '../context.js';
import { debug, info, success, warn } from '../io.js';
import { isStale } from '../locks/stale.js';
import type { LockHolder } from '../locks/types.js';
import { openEnvState, type EnvState } from '../records/state.js';
import { UserError } from '../errors.js';
import type { DoctorFinding, DoctorResult, FindingWithFix } from './types.js';

export async function doctor(ctx: Context, opts: { fix?: boolean } = {}): Promise<DoctorResult> {
  const checked: string[] = ['lock'];
  const notes: string[] = [];
  const found: FindingWithFix[] = [];

  let state: EnvState | undefined;
  let holder: LockHolder | undefined;
  try {
    state = await openEnvState(ctx, { create: false });
    holder = await state.lock.status();
  } catch (e) {
    if (e instanceof UserError) throw e;
    notes.push(`the lock could not be checked: ${(e as Error).message.split('\n')[0]}`);
  }
  let liveHolder: LockHolder | undefined;
  if (state && holder && isStale(holder)) {
    const lock = state.lock;
    found.push({
      code: 'lock.stale',
      subject: `lock of ${ctx.env.name} (${lock.location})`,
      problem: `held by ${holder.who} for ${holder.verb} since ${holder.since} (pid ${holder.pid} on ${holder.host}), but its lease expired at ${holder.expires} (last heartbeat ${holder.heartbeat ?? holder.since})`,
      fix: `release it: fragctl ${ctx.env.name} lock release --force`,
      fixable: true,
      question: `Release the stale lock of ${ctx.env.name} (held by ${holder.who} for ${holder.verb}, lease expired at ${holder.expires})?`,
      apply: async () => {
        // only if that expired holder still has it: a run that took it over meanwhile keeps it
        if (!(await lock.forceRelease(holder.runId))) return `the lock of ${ctx.env.name} had already changed hands; left as is`;
        return `released the lock of ${ctx.env.name}`;
      },
    });
  } else if (holder) {
    liveHolder = holder;
    notes.push(`${ctx.env.name} is locked by ${holder.who} for ${holder.verb} since ${holder.since} (pid ${holder.pid} on ${holder.host}); doctor leaves a live lock alone`);
  }

  if (ctx.env.platform === 'aws') {
    checked.push('stack', 'image-builder');
    const { awsFindings } = await import('./aws.js');
    found.push(...(await awsFindings(ctx, liveHolder, notes)));
  } else if (ctx.env.platform === 'kubernetes') {
    const { kubeFindings } = await import('./kube.js');
    found.push(...(await kubeFindings(ctx, liveHolder, notes, checked)));
  }

  const findings: DoctorFinding[] = [];
  for (const f of found) {
    const { apply, question, ...plain } = f;
    const finding: DoctorFinding = plain;
    findings.push(finding);
    debug(ctx.io, 'doctor.finding', `${f.subject}: ${f.problem}`, { code: f.code });
    if (!opts.fix) continue;
    if (!apply) {
      finding.result = 'manual';
      continue;
    }
    if (!(await ctx.io.confirm({ message: question ?? f.fix }))) {
      finding.result = 'declined';
      info(ctx.io, 'doctor.declined', `left as is: ${f.subject}`);
      continue;
    }
    try {
      finding.detail = await apply();
      finding.result = 'fixed';
      success(ctx.io, 'doctor.fixed', finding.detail);
    } catch (e) {
      finding.result = 'failed';
      finding.detail = (e as Error).message.split('\n')[0];
      warn(ctx.io, 'doctor.fix-failed', `could not fix ${f.subject}: ${finding.detail}`);
    }
  }
  return { env: ctx.env.name, platform: ctx.env.platform, checked, findings, notes, ok: findings.every((f) => f.result === 'fixed') };
}
