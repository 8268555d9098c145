/**
 * What commission checks of the deploy before it bakes or creates anything: every play of the
 * playbooks the deploy will run matches one of the hosts the template is about to create. The
 * hosts are known from the template alone (each instance's tags, an Auto Scaling group's
 * PropagateAtLaunch tags, resources whose Condition fails left out), so a `hosts: webservers`
 * slip is exit 2 with nothing launched, instead of a stack and an image left behind by a deploy
 * that then refuses to run. One `ansible-playbook --list-hosts`; nothing connects anywhere.
 */
import type { Context } from '../context.js';
import type { Template } from '../formations/index.js';
import { syntaxCheck } from '../ansible/playbook.js';
import type { AnsibleHost } from '../ansible/types.js';
import { ec2Groups } from '../hosts/ec2-compat.js';
import { playbookVars } from '../deploy/vars.js';
import { rolePlaybook } from '../deploy/roles.js';
import { presentGroups, selectRoles } from '../deploy/targets.js';
import { resourcesToAdd } from './changes.js';
import { stackTags, templateParameters } from './parameters.js';

type Resource = { Type?: string; Properties?: Record<string, unknown> };

/** Instances made by resources fragctl cannot read tags from: the check is then left to the deploy. */
const OPAQUE = ['AWS::CloudFormation::Stack', 'AWS::EC2::EC2Fleet', 'AWS::EC2::SpotFleet', 'AWS::Serverless::Application'];

export async function deployPreflight(ctx: Context, template: Template, parameters: Record<string, string>): Promise<void> {
  const hosts = templateHosts(ctx, template, parameters);
  if (!hosts) return;
  const roles = await selectRoles(ctx, undefined, presentGroups(hosts));
  await syntaxCheck(ctx, roles.map(rolePlaybook), hosts, playbookVars(ctx, undefined));
}

/**
 * One stand-in per instance-making resource, with the groups the real instance will have;
 * undefined when some instances' tags cannot be known from the template.
 */
export function templateHosts(ctx: Context, template: Template, parameters: Record<string, string>): AnsibleHost[] | undefined {
  const values: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(templateParameters(template))
        .filter(([, p]) => p.Default !== undefined)
        .map(([k, p]) => [k, String(p.Default)]),
    ),
    ...parameters,
    'AWS::Region': ctx.aws.config.region,
    'AWS::StackName': `${ctx.env.settings.app_name}-${ctx.env.name}`,
  };
  const created = new Set(resourcesToAdd(template, parameters).map((c) => c.logicalId));
  const resources = Object.entries((template.Resources as Record<string, Resource> | undefined) ?? {}).filter(([id]) => created.has(id));
  const hosts: AnsibleHost[] = [];
  for (const [id, r] of resources) {
    const props = r.Properties ?? {};
    let tagList: unknown[];
    if (r.Type === 'AWS::EC2::Instance') tagList = asList(props.Tags);
    else if (r.Type === 'AWS::AutoScaling::AutoScalingGroup')
      tagList = asList(props.Tags).filter((t) => String((t as { PropagateAtLaunch?: unknown }).PropagateAtLaunch) === 'true');
    else if (OPAQUE.includes(r.Type ?? '')) return undefined;
    else continue;
    const tags: Record<string, string> = { ...stackTags(ctx) };
    for (const t of tagList) {
      const { Key, Value } = t as { Key?: unknown; Value?: unknown };
      const key = resolve(Key, values);
      const value = resolve(Value, values);
      if (key !== undefined && value !== undefined) tags[key] = value;
    }
    // A group whose instances take their tags from a launch template: left to the deploy's own check.
    if (r.Type === 'AWS::AutoScaling::AutoScalingGroup' && !tagList.length) return undefined;
    const instanceType = r.Type === 'AWS::EC2::Instance' ? resolve(props.InstanceType, values) : undefined;
    const keyName = r.Type === 'AWS::EC2::Instance' ? resolve(props.KeyName, values) : undefined;
    const facts = { instanceId: id, state: 'pending', tags, instanceType, keyName };
    hosts.push({
      name: id,
      address: '127.0.0.1',
      groups: tags.Group ? [tags.Group] : [],
      compatGroups: ec2Groups(facts, ctx.aws.config.region),
      connection: 'local',
      vars: { fragctl_sandbox: true, deploy_root: '' },
    });
  }
  return hosts;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A literal, a Ref to a known value, or an Fn::Sub of known values; anything else is unknown. */
function resolve(node: unknown, values: Record<string, string>): string | undefined {
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (!node || typeof node !== 'object') return undefined;
  const obj = node as Record<string, unknown>;
  if ('Ref' in obj) return values[String(obj.Ref)];
  if ('Fn::Sub' in obj) {
    const [text, extra] = Array.isArray(obj['Fn::Sub']) ? obj['Fn::Sub'] : [obj['Fn::Sub'], {}];
    if (typeof text !== 'string') return undefined;
    const local: Record<string, string> = { ...values };
    for (const [k, v] of Object.entries((extra as Record<string, unknown>) ?? {})) {
      const r = resolve(v, values);
      if (r === undefined) return undefined;
      local[k] = r;
    }
    let unknown = false;
    const out = text.replace(/\$\{([^}!]+)\}/g, (_, id: string) => local[id] ?? ((unknown = true), ''));
    return unknown ? undefined : out;
  }
  return undefined;
}
