import type { Context } from '../context.js';
import { readFormation, IMAGE_FORMATION } from '../formations/index.js';
import { UserError } from '../errors.js';
import { parameterName, settingSource } from './parameters.js';
import { IMAGE_PARAMETERS, type MappableParameter } from '../config/schema.js';
import { asText } from '../text.js';

export interface ImageLaunchSpec {
  imageId: string;
  instanceType: string;
  keyName?: string;
  securityGroups?: string[];
  tags: Record<string, string>;
}

/**
 * The image instance's launch spec, read from formations/image.json: its one AWS::EC2::Instance
 * with Ref and Fn::Sub resolved against App, KeyName, BaseImageId and InstanceType, each under the
 * project's own name (`formation_parameters:`). A value comes from fragctl (App, KeyName) or from a
 * setting the project wrote (`base_image_id`, `image_instance_type`); else the parameter's
 * Default in image.json; fragctl's built-in defaults come last, as for the stack's parameters.
 * The instance is launched with RunInstances rather than as a stack: it must outlive a failed
 * provisioning for debugging (a stack would have to be kept or deleted as a whole), and a bake
 * then costs two calls to create and remove it instead of a stack's create, wait and delete.
 */
export function imageLaunchSpec(ctx: Context): ImageLaunchSpec {
  const { template } = readFormation(ctx.project.paths.dir, `formations/${IMAGE_FORMATION}`);
  const s = ctx.env.settings;
  const declared = (template.Parameters as Record<string, { Default?: unknown }> | undefined) ?? {};
  for (const name of IMAGE_PARAMETERS) {
    const mapped = s.formation_parameters?.[name];
    if (mapped && !declared[mapped]) {
      throw new UserError(`formation_parameters.${name} maps to ${mapped}, which formations/${IMAGE_FORMATION} does not declare`, {
        hint: `image.json declares: ${Object.keys(declared).sort().join(', ') || 'no parameters'}`,
        code: 'FORMATION_INVALID',
      });
    }
  }
  const params: Record<string, string> = Object.fromEntries(
    Object.entries(declared)
      .filter(([, p]) => p.Default !== undefined)
      .map(([k, p]) => [k, String(p.Default)]),
  );
  // A setting the project wrote beats image.json's Default; fragctl's built-in default does not.
  const fill = (name: MappableParameter, setting: 'base_image_id' | 'image_instance_type'): void => {
    const param = parameterName(ctx, name);
    if (settingSource(ctx, setting) !== undefined || params[param] === undefined) params[param] = s[setting];
  };
  fill('BaseImageId', 'base_image_id');
  fill('InstanceType', 'image_instance_type');
  params[parameterName(ctx, 'App')] = s.app_name;
  params[parameterName(ctx, 'KeyName')] = s.key_name;
  const resources = Object.entries((template.Resources as Record<string, { Type?: string; Properties?: Record<string, unknown> }>) ?? {});
  const instance = resources.find(([, r]) => r.Type === 'AWS::EC2::Instance');
  if (!instance) {
    throw new UserError(`formations/${IMAGE_FORMATION} declares no AWS::EC2::Instance`, {
      hint: 'it describes the instance bake provisions',
      code: 'FORMATION_INVALID',
    });
  }
  const props = resolve(instance[1].Properties ?? {}, params, IMAGE_FORMATION) as Record<string, unknown>;
  const tags = Object.fromEntries(
    ((props.Tags as Array<{ Key: string; Value: string }> | undefined) ?? []).map((t) => [t.Key, String(t.Value)]),
  );
  return {
    imageId: asText(props.ImageId ?? s.base_image_id),
    instanceType: asText(props.InstanceType ?? s.image_instance_type),
    keyName: props.KeyName === undefined ? undefined : asText(props.KeyName),
    securityGroups: Array.isArray(props.SecurityGroups) ? props.SecurityGroups.map(String) : undefined,
    tags,
  };
}

function resolve(node: unknown, params: Record<string, string>, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => resolve(n, params, file));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if ('Ref' in obj) return param(String(obj.Ref), params, file);
  if ('Fn::Sub' in obj && typeof obj['Fn::Sub'] === 'string') {
    return obj['Fn::Sub'].replace(/\$\{([^}!]+)\}/g, (_, id: string) => param(id, params, file));
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, params, file)]));
}

function param(id: string, params: Record<string, string>, file: string): string {
  const v = params[id];
  if (v === undefined) {
    throw new UserError(`formations/${file}: unknown parameter "${id}"`, {
      hint: `image.json may use ${Object.keys(params).join(', ')}`,
      code: 'FORMATION_INVALID',
    });
  }
  return v;
}
