// The floor for `fragctl <env> hosts --json`: a bare Node process that imports the EC2 client and
// makes the same paginated DescribeInstances call (same filters, MaxResults 1000), nothing else.
// Usage: node bench/hosts-bare.mjs <endpoint> <app> <env>
import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2';

const [endpoint, app, env] = process.argv.slice(2);
const ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const Filters = [
  { Name: 'tag:App', Values: [app] },
  { Name: 'tag:Env', Values: [env] },
  { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
];
let count = 0;
let NextToken;
do {
  const page = await ec2.send(new DescribeInstancesCommand({ Filters, MaxResults: 1000, NextToken }));
  for (const r of page.Reservations ?? []) count += (r.Instances ?? []).length;
  NextToken = page.NextToken;
} while (NextToken);
process.stdout.write(`${count}\n`);
