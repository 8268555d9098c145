/**
 * AWS API calls per lifecycle verb for the reference project, against moto, read from each verb's
 * `--verbose` call summary. Then the cost of waiting: a simulated create that takes 25 polls (moto
 * finishes at once, so the polls are played by an SDK mock) must cost at most one DescribeStacks
 * and one DescribeStackEvents per poll. Exit 1 when a target is missed.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { detectDrift } from '../src/core/aws/drift.js';
import { openChangeSet } from '../src/core/aws/changes.js';
import { startMoto } from '../test/helpers/moto.js';
import { appendSetting, lifecycleProject, run } from '../test/integration/aws/helpers.js';
import { waitForStack } from '../src/core/aws/wait.js';
import { SDK_MOCKED, testContext } from '../test/helpers/context.js';

const VERBS: Array<{ label: string; args: string[]; before?: (dir: string) => void; env?: Record<string, string> }> = [
  { label: 'bake (first)', args: ['bake'] },
  { label: 'bake (unchanged: skipped)', args: ['bake'] },
  { label: 'commission', args: ['commission', '--no-deploy'] },
  { label: 'commission (re-run)', args: ['commission', '--no-deploy'] },
  { label: 'update (no changes)', args: ['update', '--no-deploy'] },
  { label: 'deploy', args: ['deploy'] },
  { label: 'plan (workers on)', args: ['plan'], before: (dir) => appendSetting(dir, 'demo', 'enable_workers: true') },
  { label: 'update (workers on)', args: ['update', '--no-deploy', '--yes'] },
  {
    label: 'update (password rotated)',
    args: ['update', '--no-deploy', '--yes'],
    env: { FRAGCTL_DB_PASSWORD: 'bench-rotated-password-2' },
  },
  { label: 'doctor', args: ['doctor'] },
  { label: 'status', args: ['status'] },
  { label: 'clean', args: ['clean', '--yes'] },
  { label: 'decommission', args: ['decommission', '--yes'] },
];

function parseCalls(stderr: string): { total: number; calls: Record<string, number> } {
  const line = /AWS API calls: (\d+) \(([^)]*)\)/.exec(stderr);
  if (!line) return { total: 0, calls: {} };
  const calls = Object.fromEntries(
    line[2]!.split(', ').map((p) => {
      const [k, v] = p.split(' ');
      return [k!, Number(v)];
    }),
  );
  return { total: Number(line[1]), calls };
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let failed = false;
const moto = await startMoto();
const dir = lifecycleProject();
try {
  console.log('verb                          calls  detail');
  for (const v of VERBS) {
    v.before?.(dir);
    const started = Date.now();
    const r = await run(dir, moto.url, ['demo', ...v.args, '--verbose'], v.env);
    if (r.code !== 0) {
      console.log(`${v.label}: exit ${r.code}\n${r.stderr}`);
      failed = true;
      continue;
    }
    const { total, calls } = parseCalls(r.stderr);
    const polls = calls['CloudFormation.DescribeStackEvents'] ?? 0;
    const detail = Object.entries(calls)
      .map(([k, n]) => `${k.replace('CloudFormation.', 'CFN.')}=${n}`)
      .join(' ');
    console.log(`${v.label.padEnd(30)}${String(total).padStart(5)}  ${detail}  (${Date.now() - started} ms)`);
    if (polls > (calls['CloudFormation.DescribeStacks'] ?? 0)) {
      console.log(`  ✖ more event calls (${polls}) than status calls`);
      failed = true;
    }
  }
} finally {
  await moto.stop();
}

// The cost of one wait, poll by poll.
const POLLS = 25;
const cfn = mockClient(CloudFormationClient);
let poll = 0;
cfn.on(DescribeStacksCommand).callsFake(() => {
  poll++;
  return {
    Stacks: [{ StackName: 'frag-demo', StackStatus: poll >= POLLS ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS', CreationTime: new Date() }],
  };
});
let eventNo = 0;
const events: Array<Record<string, unknown>> = [];
cfn.on(DescribeStackEventsCommand).callsFake(() => {
  // Two new events per poll, on top of a long history: 100 per page, newest first.
  events.unshift({
    EventId: `e${++eventNo}`,
    StackId: 'arn:1',
    StackName: 'frag-demo',
    LogicalResourceId: `R${eventNo}`,
    ResourceStatus: 'CREATE_IN_PROGRESS',
    Timestamp: new Date(),
  });
  events.unshift({
    EventId: `e${++eventNo}`,
    StackId: 'arn:1',
    StackName: 'frag-demo',
    LogicalResourceId: `R${eventNo}`,
    ResourceStatus: 'CREATE_COMPLETE',
    Timestamp: new Date(),
  });
  return { StackEvents: events.slice(0, 100), NextToken: events.length > 100 ? 'next' : undefined };
});
const ctx = testContext(SDK_MOCKED);
await waitForStack(ctx, { stack: 'frag-demo', operation: 'create' });
const status = cfn.commandCalls(DescribeStacksCommand).length;
const eventCalls = cfn.commandCalls(DescribeStackEventsCommand).length;
const shown = ctx.io.withCode('stack.event').length;
const ok = status <= POLLS && eventCalls <= POLLS && shown === eventNo;
console.log(
  `\nwait over ${POLLS} polls: ${status} DescribeStacks + ${eventCalls} DescribeStackEvents (${((status + eventCalls) / POLLS).toFixed(2)} calls/poll, target ≤ 2), ${shown}/${eventNo} events shown once ${ok ? '✔' : '✖'}`,
);
if (!ok) failed = true;

// A change set that takes 10 polls to compute, and a drift detection that takes 10 (moto has no
// drift detection and computes change sets at once): one call per poll each.
cfn.reset();
let csPoll = 0;
cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/1' });
cfn.on(DeleteChangeSetCommand).resolves({});
cfn.on(DescribeChangeSetCommand).callsFake(() => ({ Status: ++csPoll >= 10 ? 'CREATE_COMPLETE' : 'CREATE_PENDING', Changes: [] }));
await openChangeSet(testContext(SDK_MOCKED), {
  stack: 'frag-demo',
  body: '{}',
  parameters: {},
  tags: {},
  capabilities: [],
  type: 'UPDATE',
});
const csCalls = cfn.commandCalls(DescribeChangeSetCommand).length;
cfn.reset();
let driftPoll = 0;
cfn
  .on(DescribeStacksCommand)
  .resolves({ Stacks: [{ StackName: 'frag-demo', StackId: 'arn:1', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
cfn.on(DescribeStackDriftDetectionStatusCommand).callsFake(() => ({
  StackId: 'arn:1',
  StackDriftDetectionId: 'd-1',
  Timestamp: new Date(),
  DetectionStatus: ++driftPoll >= 10 ? 'DETECTION_COMPLETE' : 'DETECTION_IN_PROGRESS',
  StackDriftStatus: 'IN_SYNC',
}));
const driftCtx = testContext(SDK_MOCKED);
await detectDrift(driftCtx);
const driftTotal = cfn.calls().length;
const driftStatus = cfn.commandCalls(DescribeStackDriftDetectionStatusCommand).length;
cfn.restore();
const ok2 = csCalls <= 10 && driftStatus <= 10;
console.log(
  `change set computed over 10 polls: ${csCalls} DescribeChangeSet (${(csCalls / 10).toFixed(2)} calls/poll) ${csCalls <= 10 ? '✔' : '✖'}`,
);
console.log(
  `drift (in sync) over 10 polls: ${driftTotal} calls in all, ${driftStatus} DescribeStackDriftDetectionStatus (${(driftStatus / 10).toFixed(2)} calls/poll) ${driftStatus <= 10 ? '✔' : '✖'}`,
);
if (!ok2) failed = true;
process.exit(failed ? 1 : 0);
