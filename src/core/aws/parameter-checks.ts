export interface Problem {
  message: string;
  hint?: string;
}

export interface TemplateParameter {
  Type?: string;
  Default?: unknown;
  NoEcho?: boolean | string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  ConstraintDescription?: string;
}

/** Formats of the AWS-specific parameter types CloudFormation checks before it creates anything. */
const AWS_TYPES: Record<string, { re: RegExp; example: string }> = {
  'AWS::EC2::Image::Id': { re: /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'ami-0abc1234' },
  'AWS::EC2::Instance::Id': { re: /^i-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'i-0abc1234' },
  'AWS::EC2::SecurityGroup::Id': { re: /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'sg-0abc1234' },
  'AWS::EC2::Subnet::Id': { re: /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'subnet-0abc1234' },
  'AWS::EC2::VPC::Id': { re: /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'vpc-0abc1234' },
  'AWS::EC2::Volume::Id': { re: /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'vol-0abc1234' },
  'AWS::EC2::AvailabilityZone::Name': { re: /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, example: 'us-east-1a' },
  'AWS::EC2::KeyPair::KeyName': { re: /^[\x20-\x7e]{1,255}$/, example: 'deploy' },
  'AWS::EC2::SecurityGroup::GroupName': { re: /^.{1,255}$/, example: 'default' },
  'AWS::Route53::HostedZone::Id': { re: /^[A-Z0-9]{1,32}$/, example: 'Z1R8UBAEXAMPLE' },
};
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One value against its parameter's type and constraints, as CloudFormation checks it; a
 * problem names the parameter, the value (masked when NoEcho), where the value came from and the
 * formation that declares the parameter.
 */
export function checkParameterValue(name: string, p: TemplateParameter, value: string, source: string, file?: string): Problem | undefined {
  const shown = p.NoEcho === true || p.NoEcho === 'true' ? '********' : `"${value}"`;
  const declaredIn = file && !source.includes(file) ? ` (declared in ${file})` : '';
  const fail = (why: string, fix: string): Problem => ({
    message: `stack parameter ${name} = ${shown} from ${source} ${why}${declaredIn}`,
    hint: `${fix}${p.ConstraintDescription ? `; the template says: ${p.ConstraintDescription}` : ''}`,
  });
  const fixIt = /^its Default/.test(source)
    ? `change the Default of ${name} in ${file ?? 'its formation'}`
    : `change ${source.replace(/^setting /, '')}`;
  const type = p.Type ?? 'String';
  const list = /^List<(.+)>$/.exec(type)?.[1];
  const items = list || type === 'CommaDelimitedList' ? value.split(',').map((v) => v.trim()) : [value];
  const itemType = list ?? (type === 'CommaDelimitedList' ? 'String' : type);

  for (const item of items) {
    if (itemType === 'Number' && !NUMBER.test(item)) return fail(`is not a number (Type ${type})`, fixIt);
    const format = AWS_TYPES[itemType];
    if (format && !format.re.test(item)) return fail(`is not a valid ${itemType} (e.g. ${format.example})`, fixIt);
  }
  if (Array.isArray(p.AllowedValues) && !items.every((i) => p.AllowedValues!.map(String).includes(i))) {
    return fail(`is not one of its AllowedValues: ${p.AllowedValues.join(', ')}`, `${fixIt} to one of ${p.AllowedValues.join(', ')}`);
  }
  if (p.AllowedPattern !== undefined && !items.every((i) => new RegExp(`^(?:${p.AllowedPattern})$`).test(i))) {
    return fail(`does not match its AllowedPattern ${p.AllowedPattern}`, fixIt);
  }
  if (p.MinLength !== undefined && value.length < Number(p.MinLength)) return fail(`is shorter than its MinLength ${p.MinLength}`, fixIt);
  if (p.MaxLength !== undefined && value.length > Number(p.MaxLength)) return fail(`is longer than its MaxLength ${p.MaxLength}`, fixIt);
  if (itemType === 'Number') {
    for (const item of items) {
      if (p.MinValue !== undefined && Number(item) < Number(p.MinValue)) return fail(`is below its MinValue ${p.MinValue}`, fixIt);
      if (p.MaxValue !== undefined && Number(item) > Number(p.MaxValue)) return fail(`is above its MaxValue ${p.MaxValue}`, fixIt);
    }
  }
  return undefined;
}
