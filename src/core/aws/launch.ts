import type { Context } from '../context.js';
import { readFormation, IMAGE_FORMATION } from '../formations/index.js';
import { UserError } from '../errors.js';
import { parameterName } from './parameters.js';
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
 * with Ref and Fn::Sub resolved against App, BaseImageId, InstanceType and KeyName (App and KeyName
 * under the project's names, `formation_parameters:`), else the parameter's Default.
 * The instance is launched with RunInstances rather than as a stack: it must outlive a failed
 * provisioning for debugging (a stack would have to be kept or deleted as a whole), and a bake
 * then costs two calls to create and remove it instead of a stack's create, wait and delete.
 */
export function imageLaunchSpec(ctx: Context): ImageLaunchSpec {
  const { template } = readFormation(ctx.project.paths.dir, `formations/${IMAGE_FORMATION}`);
  const s = ctx.env.settings;
  const defaults = Object.entries((template.Parameters as Record<string, { Default?: unknown }> | undefined) ?? {})
    .filter(([, p]) => p.Default !== undefined)
    .map(([k, p]) => [k, String(p.Default)]);
  const params: Record<string, string> = {
    ...Object.fromEntries(defaults),
    [parameterName(ctx, 'App')]: s.app_name,
    BaseImageId: s.base_image_id,
    InstanceType: s.image_instance_type,
    [parameterName(ctx, 'KeyName')]: s.key_name,
  };
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
