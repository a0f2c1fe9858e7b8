/**
 * The synthesized template's IAM, as an evaluator sees it: every policy document with
 * its CloudFormation references resolved to the ARNs a deployment in one account and
 * region would give, and, per principal, the identity policies that apply to it (a
 * user's through its groups, a role's inline, attached and managed policies) and the
 * resource policy of the bucket or role a request names.
 */
import type { Json } from './synth.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-north-1';
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'tertial',
};

export interface PolicyDocument {
  readonly name: string;
  readonly policy: Json;
}

/** Physical name and ARN a deployment would give each resource; the name is the logical id, lower-cased. */
function physical(logicalId: string, resource: Json): { ref: string; arn: string } {
  const p = resource.Properties ?? {};
  const name = logicalId.toLowerCase();
  switch (resource.Type) {
    case 'AWS::S3::Bucket':
      return { ref: name, arn: `arn:aws:s3:::${name}` };
    case 'AWS::IAM::Role':
      return { ref: p.RoleName ?? name, arn: `arn:aws:iam::${ACCOUNT}:role/${p.RoleName ?? name}` };
    case 'AWS::IAM::Group':
      return { ref: p.GroupName ?? name, arn: `arn:aws:iam::${ACCOUNT}:group/${p.GroupName ?? name}` };
    case 'AWS::IAM::ManagedPolicy': {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/${p.ManagedPolicyName ?? name}`;
      return { ref: arn, arn };
    }
    case 'AWS::DynamoDB::Table':
      return { ref: name, arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` };
    case 'AWS::Logs::LogGroup':
      return { ref: name, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*` };
    case 'AWS::SNS::Topic': {
      const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:${p.TopicName ?? name}`;
      return { ref: arn, arn };
    }
    case 'AWS::SQS::Queue':
      return {
        ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      };
    case 'AWS::Lambda::Function':
      return {
        ref: p.FunctionName ?? name,
        arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${p.FunctionName ?? name}`,
      };
    default:
      return { ref: name, arn: `arn:aws:unknown:${REGION}:${ACCOUNT}:${name}` };
  }
}

export class IamModel {
  private readonly names: Map<string, { ref: string; arn: string }>;

  constructor(
    private readonly resources: Record<string, Json>,
    private readonly parameters: Record<string, Json> = {},
  ) {
    this.names = new Map(Object.entries(resources).map(([id, r]) => [id, physical(id, r)]));
  }

  /** Replaces Ref, Fn::GetAtt (Arn), Fn::Join and Fn::Sub by the strings a deployment would see. */
  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) return this.ref(value.Ref);
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'] as [string, string];
      const named = this.names.get(id);
      if (!named) throw new Error(`Fn::GetAtt of unknown resource ${id}`);
      if (attribute === 'Arn') return named.arn;
      throw new Error(`Fn::GetAtt ${id}.${attribute} is not modelled`);
    }
    if ('Fn::Join' in value) {
      const [delimiter, items] = value['Fn::Join'] as [string, Json[]];
      return items.map((item) => this.resolve(item)).join(delimiter);
    }
    if ('Fn::Sub' in value) {
      const template = value['Fn::Sub'] as string;
      return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => this.ref(name));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string {
    if (PSEUDO[name]) return PSEUDO[name] as string;
    const named = this.names.get(name);
    if (named) return named.ref;
    if (this.parameters[name]) return String(this.parameters[name].Default ?? '');
    throw new Error(`Ref to unknown ${name}`);
  }

  arnOf(logicalId: string): string {
    const named = this.names.get(logicalId);
    if (!named) throw new Error(`no resource ${logicalId}`);
    return named.arn;
  }

  nameOf(logicalId: string): string {
    const named = this.names.get(logicalId);
    if (!named) throw new Error(`no resource ${logicalId}`);
    return named.ref;
  }

  private ofType(type: string): [string, Json][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  private managedPolicies(arns: Json[] | undefined): PolicyDocument[] {
    return (arns ?? []).map((ref: Json) => {
      const arn = this.resolve(ref) as string;
      const found = this.ofType('AWS::IAM::ManagedPolicy').find(([id]) => this.arnOf(id) === arn);
      // An AWS managed policy's document is not in the template; none of the principals tested has one.
      if (!found) throw new Error(`managed policy ${arn} is not in the template`);
      return { name: arn, policy: this.resolve(found[1].Properties.PolicyDocument) };
    });
  }

  /** AWS::IAM::Policy resources attached to the role or group with this logical id. */
  private attached(kind: 'Roles' | 'Groups', logicalId: string): PolicyDocument[] {
    return this.ofType('AWS::IAM::Policy')
      .filter(([, r]) => ((r.Properties[kind] ?? []) as Json[]).some((ref) => ref.Ref === logicalId))
      .map(([id, r]) => ({ name: id, policy: this.resolve(r.Properties.PolicyDocument) }));
  }

  private inline(resource: Json): PolicyDocument[] {
    return ((resource.Properties.Policies ?? []) as Json[]).map((p) => ({
      name: p.PolicyName,
      policy: this.resolve(p.PolicyDocument),
    }));
  }

  /** Identity policies of a role, by logical id. */
  rolePolicies(logicalId: string): PolicyDocument[] {
    const role = this.resources[logicalId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${logicalId} is not a role`);
    return [
      ...this.inline(role),
      ...this.attached('Roles', logicalId),
      ...this.managedPolicies(role.Properties.ManagedPolicyArns),
    ];
  }

  /** Identity policies an IAM user in these groups (by group name) has. */
  userPolicies(groupNames: readonly string[]): PolicyDocument[] {
    return groupNames.flatMap((groupName) => {
      const found = this.ofType('AWS::IAM::Group').find(([, r]) => r.Properties.GroupName === groupName);
      if (!found) throw new Error(`no group named ${groupName} in the template`);
      const [id, group] = found;
      return [
        ...this.inline(group),
        ...this.attached('Groups', id),
        ...this.managedPolicies(group.Properties.ManagedPolicyArns),
      ];
    });
  }

  /** The role's logical id, by role name. */
  roleNamed(roleName: string): string {
    const found = this.ofType('AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === roleName);
    if (!found) throw new Error(`no role named ${roleName} in the template`);
    return found[0];
  }

  /** The bucket policy of the bucket with this logical id, or undefined. */
  bucketPolicy(bucketId: string): Json | undefined {
    const found = this.ofType('AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket?.Ref === bucketId);
    return found && this.resolve(found[1].Properties.PolicyDocument);
  }

  /** The trust policy of the role with this logical id. */
  trustPolicy(roleId: string): Json {
    return this.resolve(this.resources[roleId].Properties.AssumeRolePolicyDocument);
  }
}
