/**
 * `doctor`: finds the stuck states an operator would otherwise clear in the console, says the exact
 * fix for each, and with `--fix` applies each fix after its own confirmation (`--yes` in scripts;
 * without a TTY and without `--yes` it refuses rather than guess).
 *
 * `--fix` changes the environment like any other changing verb: it takes the environment's lock
 * and records a run (a stale lock is the one thing released first, since it is what keeps the
 * lock from being taken), and reports each fix by the state read again afterwards.
 */
import type { Context } from '../context.js';
import { debug, info, success, warn } from '../io.js';
import { isStale } from '../locks/stale.js';
import type { LockHolder } from '../locks/types.js';
import { openEnvState } from '../records/state.js';
import type { EnvState } from '../records/types.js';
import { platformOf } from '../platforms/index.js';
import { UserError } from '../errors.js';
import type { DoctorFinding, DoctorResult, FindingWithFix } from './types.js';

export interface DoctorOptions {
  fix?: boolean;
  /** The command line, for the run record of `--fix`. */
  args?: string[];
}

export async function doctor(ctx: Context, opts: DoctorOptions = {}): Promise<DoctorResult> {
  const checked: string[] = ['lock'];
  const notes: string[] = [];
  const lock = await lockFindings(ctx, notes);
  const fix = !!opts.fix && !ctx.options.dryRun;
  if (!fix) {
    const found = [...lock.found, ...(await platformOf(ctx.env).doctorFindings(ctx, lock.liveHolder, notes, checked))];
    return report(
      ctx,
      checked,
      notes,
      found.map((f) => show(ctx, f)),
    );
  }
  const findings = await applyAll(ctx, lock.found);
  if (findings.some((f) => f.code === 'lock.stale' && f.result !== 'fixed')) {
    notes.push(`the other checks need ${ctx.env.name}'s lock, which is still held: release it, then run doctor --fix again`);
    return report(ctx, checked, notes, findings);
  }
  const touched: Array<Record<string, unknown>> = [];
  const emit = ctx.io.emit.bind(ctx.io);
  ctx.io.emit = (event) => {
    if (event.code === 'run.touched') touched.push({ ...(event.data ?? {}) });
    emit(event);
  };
  try {
    const { guardedRun } = await import('../records/guard.js');
    await guardedRun(ctx, { verb: 'doctor', args: opts.args ?? [ctx.env.name, 'doctor', '--fix'], touched }, async () => {
      // This run holds the lock now: no other run of this environment is going on.
      findings.push(...(await applyAll(ctx, await platformOf(ctx.env).doctorFindings(ctx, undefined, notes, checked))));
      return findings.every((f) => f.result === 'fixed') ? 0 : 1;
    });
  } finally {
    ctx.io.emit = emit;
  }
  return report(ctx, checked, notes, findings);
}

async function lockFindings(ctx: Context, notes: string[]): Promise<{ found: FindingWithFix[]; liveHolder?: LockHolder }> {
  let state: EnvState | undefined;
  let holder: LockHolder | undefined;
  try {
    state = await openEnvState(ctx, { create: false });
    holder = await state.lock.status();
  } catch (e) {
    if (e instanceof UserError) throw e;
    notes.push(`the lock could not be checked: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!state || !holder) return { found: [] };
  if (!isStale(holder)) {
    notes.push(
      `${ctx.env.name} is locked by ${holder.who} for ${holder.verb} since ${holder.since} (pid ${holder.pid} on ${holder.host}); doctor leaves a live lock alone`,
    );
    return { found: [], liveHolder: holder };
  }
  const lock = state.lock;
  const stale = holder;
  return {
    found: [
      {
        code: 'lock.stale',
        subject: `lock of ${ctx.env.name} (${lock.location})`,
        problem: `held by ${stale.who} for ${stale.verb} since ${stale.since} (pid ${stale.pid} on ${stale.host}), but its lease expired at ${stale.expires} (last heartbeat ${stale.heartbeat ?? stale.since})`,
        fix: `release it: fragctl ${ctx.env.name} lock release --force`,
        fixable: true,
        question: `Release the stale lock of ${ctx.env.name} (held by ${stale.who} for ${stale.verb}, lease expired at ${stale.expires})?`,
        apply: async () => {
          // only if that expired holder still has it: a run that took it over meanwhile keeps it
          if (!(await lock.forceRelease(stale.runId))) return `the lock of ${ctx.env.name} had already changed hands; left as is`;
          return `released the lock of ${ctx.env.name}`;
        },
        verify: async () => {
          const now = await lock.status();
          if (now && now.runId === stale.runId) return { fixed: false, state: `still held by ${now.who} (pid ${now.pid})` };
          return { fixed: true, state: now ? `held by ${now.who} for ${now.verb}` : 'the lock is free' };
        },
      },
    ],
  };
}

function show(ctx: Context, f: FindingWithFix): DoctorFinding {
  const { apply: _apply, question: _question, verify: _verify, ...plain } = f;
  debug(ctx.io, 'doctor.finding', `${f.subject}: ${f.problem}`, { code: f.code });
  return plain;
}

async function applyAll(ctx: Context, found: FindingWithFix[]): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const f of found) {
    const finding = show(ctx, f);
    out.push(finding);
    if (!f.apply) {
      finding.result = 'manual';
      continue;
    }
    if (!(await ctx.io.confirm({ message: f.question ?? f.fix }))) {
      finding.result = 'declined';
      info(ctx.io, 'doctor.declined', `left as is: ${f.subject}`);
      continue;
    }
    try {
      finding.detail = await f.apply();
      ctx.io.emit({
        level: 'debug',
        code: 'run.touched',
        message: `doctor: ${finding.detail}`,
        data: { code: f.code, subject: f.subject, did: finding.detail },
      });
      // Fixed is what the state says when read again, not that the API accepted the call.
      const now = f.verify ? await f.verify() : { fixed: true, state: finding.detail };
      finding.now = now.state;
      finding.result = now.fixed ? 'fixed' : 'unfixed';
      if (now.fixed) success(ctx.io, 'doctor.fixed', `${finding.detail}; now: ${now.state}`);
      else warn(ctx.io, 'doctor.unfixed', `${finding.detail}, but ${f.subject} is not right yet: ${now.state}`);
    } catch (e) {
      finding.result = 'failed';
      finding.detail = (e as Error).message.split('\n')[0];
      warn(ctx.io, 'doctor.fix-failed', `could not fix ${f.subject}: ${finding.detail}`);
    }
  }
  return out;
}

function report(ctx: Context, checked: string[], notes: string[], findings: DoctorFinding[]): DoctorResult {
  return { env: ctx.env.name, platform: ctx.env.platform, checked, findings, notes, ok: findings.every((f) => f.result === 'fixed') };
}
