/**
 * The access table (test/fixtures/access/cases.md): each row a request, evaluated by an
 * IAM policy evaluator against the identity policies of the synthesized stack's groups
 * and roles and the resource policies of its buckets and roles, with the outcome the
 * row expects. The test name is the row, so a failure names the case that broke.
 */
import { readFileSync } from 'node:fs';
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, IamModel, type PolicyDocument } from './iam-model.js';
import { logicalId, synth, type Json } from './synth.js';
import type { TertialStack } from '../../cdk/stack.js';

const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/ange-entra`;
const CASES_FILE = new URL('../fixtures/access/cases.md', import.meta.url);

interface Case {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: string;
  readonly expected: 'Allowed' | 'Denied' | 'ExplicitlyDenied';
  readonly line: number;
}

function readCases(): Case[] {
  const lines = readFileSync(CASES_FILE, 'utf8').split('\n');
  const cases: Case[] = [];
  lines.forEach((text, i) => {
    if (!text.startsWith('|') || text.startsWith('|---') || text.startsWith('| principal ')) return;
    const cells = text.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length !== 5) throw new Error(`cases.md:${i + 1}: expected 5 cells, got ${cells.length}`);
    const [principal, action, resource, context, expected] = cells as [string, string, string, string, string];
    if (expected !== 'Allowed' && expected !== 'Denied' && expected !== 'ExplicitlyDenied') {
      throw new Error(`cases.md:${i + 1}: expected must be Allowed, Denied or ExplicitlyDenied: ${expected}`);
    }
    cases.push({ principal, action, resource, context, expected, line: i + 1 });
  });
  return cases;
}

const CASES = readCases();

let stack: TertialStack;
let model: IamModel;

beforeAll(() => {
  const synthesized = synth({ committees: ['ks', 'bun'], samlProviderArn: SAML_PROVIDER });
  stack = synthesized.stack;
  const template = synthesized.template.toJSON() as Json;
  model = new IamModel(template.Resources, template.Parameters ?? {});
});

/** Who makes the request: its ARN, the ARN IAM compares as aws:PrincipalArn, and its identity policies. */
interface Caller {
  readonly arn: string | typeof anonymousPrincipal;
  readonly principalArn?: string;
  readonly policies: PolicyDocument[];
}

const ANYTHING: PolicyDocument = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

function roleSession(roleId: string): Caller {
  const roleName = model.nameOf(roleId);
  return { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session`, principalArn: model.arnOf(roleId), policies: model.rolePolicies(roleId) };
}

function user(name: string, policies: PolicyDocument[]): Caller {
  const arn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
  return { arn, principalArn: arn, policies };
}

function caller(principal: string): Caller {
  const functions: Record<string, () => string> = {
    ingest: () => logicalId(stack.ingest.role),
    assemble: () => logicalId(stack.assemble.role),
    'template-check': () => logicalId(stack.templateCheck.role),
    views: () => logicalId(stack.views.role),
  };
  const fn = functions[principal];
  if (fn) return roleSession(fn());
  if (principal === 'admin') return roleSession(logicalId(stack.staffAccess.adminRole));
  if (principal === 'account-admin') return user('it-account-admin', [ANYTHING]);
  if (principal === 'nobody') return user('nobody', []);
  if (principal === 'anonymous') return { arn: anonymousPrincipal, policies: [] };
  // A SAML assertion: the caller of AssumeRoleWithSAML is the identity provider that signed it.
  if (principal === 'entra') return { arn: SAML_PROVIDER, policies: [] };
  if (principal === 'other-idp') return { arn: `arn:aws:iam::${ACCOUNT}:saml-provider/other`, policies: [] };
  if (principal === 'admin-group') return user('it-person', model.userPolicies(['tertial-admin']));
  if (principal.startsWith('saml:')) return roleSession(model.roleNamed(`tertial-${principal.slice('saml:'.length)}`));
  const groups = principal.split('+').map((group) => `tertial-${group}`);
  return user(`person-${principal}`, model.userPolicies(groups));
}

/** The ARN, resource policy and context keys of a row's resource. */
function target(resource: string): { arn: string; resourcePolicy?: Json; context: Record<string, string | string[]> } {
  const buckets: Record<string, () => string> = {
    uploads: () => logicalId(stack.buckets.uploads),
    documents: () => logicalId(stack.buckets.documents),
  };
  const [kind, rest] = resource.includes(':') ? (resource.split(/:(.*)/s) as [string, string]) : [resource, undefined];
  const bucket = buckets[kind];
  if (bucket) {
    const id = bucket();
    const arn = rest === undefined ? model.arnOf(id) : `${model.arnOf(id)}/${rest}`;
    return { arn, resourcePolicy: model.bucketPolicy(id), context: {} };
  }
  if (kind === 'table') {
    const arn = model.arnOf(logicalId(stack.reportTable.table));
    return { arn, context: rest === undefined ? {} : { 'dynamodb:LeadingKeys': rest.split(',') } };
  }
  if (kind === 'role' && rest !== undefined) {
    const id = model.roleNamed(`tertial-${rest}`);
    return { arn: model.arnOf(id), resourcePolicy: model.trustPolicy(id), context: {} };
  }
  throw new Error(`unknown resource ${resource}`);
}

function contextOf(context: string): Record<string, string> {
  const out: Record<string, string> = { 'aws:SecureTransport': 'true' };
  for (const item of context.split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = item.split(/=(.*)/s) as [string, string];
    if (key === 'tls') out['aws:SecureTransport'] = value;
    else if (key === 'prefix') out['s3:prefix'] = value;
    else if (key === 'mfa') out['aws:MultiFactorAuthPresent'] = value;
    else if (key === 'aud') out['SAML:aud'] = value === 'console' ? 'https://signin.aws.amazon.com/saml' : value;
    else throw new Error(`unknown context ${item}`);
  }
  return out;
}

async function evaluate(c: Case): Promise<string> {
  const who = caller(c.principal);
  const what = target(c.resource);
  const simulation: Simulation = {
    request: {
      principal: who.arn,
      action: c.action,
      resource: { resource: what.arn, accountId: ACCOUNT },
      contextVariables: {
        ...contextOf(c.context),
        ...what.context,
        ...(who.principalArn ? { 'aws:PrincipalArn': who.principalArn, 'aws:PrincipalAccount': ACCOUNT } : {}),
      },
    },
    identityPolicies: who.policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(what.resourcePolicy ? { resourcePolicy: what.resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`the evaluator refused the request: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

describe('access table (IAM evaluation of the synthesized policies)', () => {
  it('has at least 40 cases, each a distinct request', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const keys = CASES.map((c) => `${c.principal} ${c.action} ${c.resource} ${c.context}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.principal} ${c.action} ${c.resource}${c.context ? ` [${c.context}]` : ''} → ${c.expected}`, c] as const))(
    '%s',
    async (_name, c) => {
      const outcome = await evaluate(c);
      const matches = c.expected === 'Denied' ? outcome === 'ImplicitlyDenied' || outcome === 'ExplicitlyDenied' : outcome === c.expected;
      expect(matches, `cases.md line ${c.line}: ${c.principal} ${c.action} ${c.resource} → ${outcome}, expected ${c.expected}`).toBe(true);
    },
  );
});
