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
import type { Period } from '../../lambdas/core/domain.js';
import {
  acceptedTemplateKey,
  annotatedUploadKey,
  closureKey,
  closureReceiptHtmlKey,
  closureReceiptKey,
  configKey,
  documentKey,
  draftKey,
  misplacedReceiptKey,
  pdfKey,
  reopeningKey,
  reopeningReceiptHtmlKey,
  reopeningReceiptKey,
  statusPageKey,
  templateKey,
  templateReceiptKey,
  uploadKey,
  uploadReceiptHtmlKey,
  uploadReceiptKey,
  workbookKey,
} from '../../lambdas/core/keys.js';

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
    const cells = text
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
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
  return {
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session`,
    principalArn: model.arnOf(roleId),
    policies: model.rolePolicies(roleId),
  };
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
    web: () => logicalId(stack.webAccess.web.role),
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
  if (result.resultType === 'error')
    throw new Error(`the evaluator refused the request: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

describe('access table (IAM evaluation of the synthesized policies)', () => {
  it('has at least 40 cases, each a distinct request', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const keys = CASES.map((c) => `${c.principal} ${c.action} ${c.resource} ${c.context}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it.each(
    CASES.map(
      (c) =>
        [`${c.principal} ${c.action} ${c.resource}${c.context ? ` [${c.context}]` : ''} → ${c.expected}`, c] as const,
    ),
  )('%s', async (_name, c) => {
    const outcome = await evaluate(c);
    const matches =
      c.expected === 'Denied'
        ? outcome === 'ImplicitlyDenied' || outcome === 'ExplicitlyDenied'
        : outcome === c.expected;
    expect(
      matches,
      `cases.md line ${c.line}: ${c.principal} ${c.action} ${c.resource} → ${outcome}, expected ${c.expected}`,
    ).toBe(true);
  });
});

/**
 * The same evaluation over every key the layout (lambdas/core/keys.ts) formats, so a key
 * added to the layout or moved in it cannot fall outside the policies unnoticed.
 */
describe('every key of the layout: its committee may, another may not; only its function writes it', () => {
  const period = (committee: string): Period => ({ committee, year: 2024, tertial: 1 });
  const outputs = (c: string): Record<string, string> => ({
    document: documentKey(period(c)),
    pdf: pdfKey(period(c)),
    'upload receipt': uploadReceiptKey(period(c), 'a.xlsx'),
    'upload receipt page': uploadReceiptHtmlKey(period(c), 'a.xlsx'),
    'marked-up workbook': annotatedUploadKey(period(c), 'a.xlsx'),
    'close receipt': closureReceiptKey(period(c)),
    'close receipt page': closureReceiptHtmlKey(period(c)),
    'reopening receipt': reopeningReceiptKey(period(c)),
    'reopening receipt page': reopeningReceiptHtmlKey(period(c)),
    draft: draftKey(period(c)),
    'status page': statusPageKey(period(c)),
    'next workbook': workbookKey({ committee: c, year: 2024, tertial: 2 }),
    'template receipt': templateReceiptKey(c),
    'misplaced upload receipt': misplacedReceiptKey(`uploads/${c}/2024/T4/a.xlsx`) as string,
  });
  const writer: Record<string, string> = {
    document: 'assemble',
    pdf: 'assemble',
    'upload receipt': 'ingest',
    'upload receipt page': 'ingest',
    'marked-up workbook': 'ingest',
    'close receipt': 'assemble',
    'close receipt page': 'assemble',
    'reopening receipt': 'assemble',
    'reopening receipt page': 'assemble',
    draft: 'views',
    'status page': 'views',
    'next workbook': 'views',
    'template receipt': 'template-check',
  };
  // Ingest answers any key under uploads/, misplaced ones included, with a receipt under
  // receipts/ whose name follows the upload's; a Deny of the close receipt's name would
  // also refuse the receipt of a misplaced upload named like it. So of receipts/, ingest
  // may write every key (README "Access").
  const mayAlsoWrite: Record<string, string[]> = {
    'close receipt': ['ingest'],
    'close receipt page': ['ingest'],
    'reopening receipt': ['ingest'],
    'reopening receipt page': ['ingest'],
    'template receipt': ['ingest'],
  };
  const row = (principal: string, action: string, resource: string, expected: Case['expected']): Case => ({
    principal,
    action,
    resource,
    context: '',
    expected,
    line: 0,
  });
  const cases: [string, Case][] = [];
  for (const [what, key] of Object.entries(outputs('ks'))) {
    cases.push([`ks staff read the ${what} of ks`, row('ks-staff', 's3:GetObject', `documents:${key}`, 'Allowed')]);
    cases.push([
      `bun staff do not read the ${what} of ks`,
      row('bun-staff', 's3:GetObject', `documents:${key}`, 'Denied'),
    ]);
    cases.push([
      `ks secretary cannot write the ${what}`,
      row('ks-secretary', 's3:PutObject', `documents:${key}`, 'ExplicitlyDenied'),
    ]);
    cases.push([`the web function reads the ${what}`, row('web', 's3:GetObject', `documents:${key}`, 'Allowed')]);
    for (const who of ['account-admin', 'admin', writer[what] ?? 'ingest']) {
      cases.push([
        `${who} cannot delete the ${what}`,
        row(who, 's3:DeleteObject', `documents:${key}`, 'ExplicitlyDenied'),
      ]);
    }
    const fn = writer[what];
    if (fn) {
      cases.push([`${fn} writes the ${what}`, row(fn, 's3:PutObject', `documents:${key}`, 'Allowed')]);
      for (const other of ['ingest', 'assemble', 'template-check', 'views', 'web'].filter(
        (f) => f !== fn && !(mayAlsoWrite[what] ?? []).includes(f),
      )) {
        cases.push([`${other} does not write the ${what}`, row(other, 's3:PutObject', `documents:${key}`, 'Denied')]);
      }
    }
  }
  cases.push([
    `template-check writes the accepted copy`,
    row('template-check', 's3:PutObject', `documents:${acceptedTemplateKey('ks', '00000000000000000001')}`, 'Allowed'),
  ]);
  cases.push([
    `ks staff put an upload of ks`,
    row('ks-staff', 's3:PutObject', `uploads:${uploadKey(period('ks'), 'Aktiviteter KS.xlsx')}`, 'Allowed'),
  ]);
  cases.push([
    `bun staff do not put an upload of ks`,
    row('bun-staff', 's3:PutObject', `uploads:${uploadKey(period('ks'), 'a.xlsx')}`, 'Denied'),
  ]);
  const secretaryInputs: Record<string, string> = {
    closure: closureKey(period('ks')),
    reopening: reopeningKey(period('ks')),
    template: templateKey('ks'),
    settings: configKey('ks'),
  };
  for (const [what, key] of Object.entries(secretaryInputs)) {
    cases.push([
      `ks secretary puts the ${what} of ks`,
      row('ks-secretary', 's3:PutObject', `uploads:${key}`, 'Allowed'),
    ]);
    cases.push([`ks staff do not put the ${what} of ks`, row('ks-staff', 's3:PutObject', `uploads:${key}`, 'Denied')]);
    cases.push([
      `bun secretary does not put the ${what} of ks`,
      row('bun-secretary', 's3:PutObject', `uploads:${key}`, 'Denied'),
    ]);
  }
  const misplacedClose = misplacedReceiptKey('closures/ks/2024/T4') as string;
  cases.push([
    `ks secretary reads the receipt of a misplaced close of ks`,
    row('ks-secretary', 's3:GetObject', `documents:${misplacedClose}`, 'Allowed'),
  ]);
  cases.push([
    `ks staff do not read the receipt of a misplaced close`,
    row('ks-staff', 's3:GetObject', `documents:${misplacedClose}`, 'Denied'),
  ]);
  cases.push([
    `bun secretary does not read the receipt of a misplaced close of ks`,
    row('bun-secretary', 's3:GetObject', `documents:${misplacedClose}`, 'Denied'),
  ]);

  it.each(cases)('%s', async (_name, c) => {
    const outcome = await evaluate(c);
    const matches =
      c.expected === 'Denied'
        ? outcome === 'ImplicitlyDenied' || outcome === 'ExplicitlyDenied'
        : outcome === c.expected;
    expect(matches, `${c.principal} ${c.action} ${c.resource} → ${outcome}, expected ${c.expected}`).toBe(true);
  });
});

/**
 * A test deployment (`destroyOnRemoval`) is emptied by CDK's own function when the stack
 * is deleted: it deletes every object version, allowed by CDK's statement in the bucket
 * policy. The Deny of deletes must let that role, and only it, through.
 */
describe('a test deployment: the bucket emptier deletes, nobody else', () => {
  let test: TertialStack;
  let testModel: IamModel;
  beforeAll(() => {
    const synthesized = synth({ committees: ['ks'], destroyOnRemoval: true });
    test = synthesized.stack;
    const template = synthesized.template.toJSON() as Json;
    testModel = new IamModel(template.Resources, template.Parameters ?? {});
  });

  const deleteRequest = async (who: Caller, action: string): Promise<string> => {
    const documents = logicalId(test.buckets.documents);
    const result = await runSimulation(
      {
        request: {
          principal: who.arn,
          action,
          resource: { resource: `${testModel.arnOf(documents)}/${documentKey(period)}`, accountId: ACCOUNT },
          contextVariables: {
            'aws:SecureTransport': 'true',
            ...(who.principalArn ? { 'aws:PrincipalArn': who.principalArn, 'aws:PrincipalAccount': ACCOUNT } : {}),
          },
        },
        identityPolicies: who.policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: testModel.bucketPolicy(documents),
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(`the evaluator refused: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
  };
  const period: Period = { committee: 'ks', year: 2024, tertial: 1 };

  it.each(['s3:DeleteObjectVersion', 's3:DeleteObject'])('the emptier may %s', async (action) => {
    const roleId = (test.resolve(test.buckets.emptierRoleArn) as Json)['Fn::GetAtt'][0] as string;
    // Its identity policy is AWS's basic execution role: what it may do in S3 is the bucket policy's grant.
    const emptier: Caller = {
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${testModel.nameOf(roleId)}/session`,
      principalArn: testModel.arnOf(roleId),
      policies: [],
    };
    expect(await deleteRequest(emptier, action)).toBe('Allowed');
  });

  it('an account administrator still may not', async () => {
    const admin: Caller = {
      arn: `arn:aws:iam::${ACCOUNT}:user/it-account-admin`,
      principalArn: `arn:aws:iam::${ACCOUNT}:user/it-account-admin`,
      policies: [ANYTHING],
    };
    expect(await deleteRequest(admin, 's3:DeleteObjectVersion')).toBe('ExplicitlyDenied');
  });
});
