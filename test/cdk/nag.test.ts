import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TertialStackProps } from '../../cdk/stack.js';
import { logicalId, synth, type Synthesized } from './synth.js';

/**
 * cdk-nag's AWS Solutions checks over the default stack and a test deployment's
 * (destroyOnRemoval). The synth runs them as `cdk synth` does (cdk/app.ts) and would
 * throw on an unacknowledged finding; the first test lists any findings readably. Every
 * acknowledgement must carry a reason and must still be needed: without
 * acknowledgements, each one's finding appears.
 */

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

type Violation = ReturnType<AwsSolutionsChecks['validateScope']>['violations'][number];

const nag = (app: App): Violation[] => new AwsSolutionsChecks(app).validateScope(app).violations;

/** The same stack with every acknowledgement dropped. */
function synthUnacknowledged(props: TertialStackProps): Synthesized {
  const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
  try {
    return synth(props);
  } finally {
    spy.mockRestore();
  }
}

/** One synth per configuration for this file. */
const synthesized = new Map<string, Synthesized>();
const synthOnce = (props: TertialStackProps): Synthesized => {
  const key = JSON.stringify(props);
  if (!synthesized.has(key)) synthesized.set(key, synth(props, { checks: true }));
  return synthesized.get(key) as Synthesized;
};

const variants = {
  default: {} satisfies TertialStackProps,
  'test deployment': { destroyOnRemoval: true, namePrefix: 'tertial-test' } satisfies TertialStackProps,
  'several committees, SAML sign-in': {
    committees: ['ks', 'bun', 'sn'],
    samlProviderArn: 'arn:aws:iam::111122223333:saml-provider/ange-entra',
  } satisfies TertialStackProps,
};

describe.each(Object.entries(variants))('cdk-nag AwsSolutionsChecks, %s stack', (_name, props) => {
  let acknowledged: Synthesized;
  let bare: Synthesized;

  beforeAll(() => {
    acknowledged = synthOnce(props);
    bare = synthUnacknowledged(props);
  });

  afterEach(() => vi.restoreAllMocks());

  it('finds nothing unacknowledged', () => {
    const findings = nag(acknowledged.app).map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('every acknowledgement carries a reason', () => {
    const acks = acknowledgements(acknowledged.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
  });

  it('every acknowledgement is needed: its finding appears without it', () => {
    const findings = nag(bare.app).flatMap((v) =>
      v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })),
    );
    const unused = acknowledgements(acknowledged.app).filter(
      (ack) => !findings.some((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
    );
    expect(unused).toEqual([]);
  });
});

describe('test deployment (destroyOnRemoval, namePrefix)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthOnce(variants['test deployment']);
  });

  it('gives every named resource the prefix', () => {
    const { template } = s;
    for (const name of ['ingest', 'assemble', 'template-check']) {
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: `tertial-test-${name}` });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `tertial-test-${name}-errors` });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'tertial-test-failed-events' });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'tertial-test-alarms' });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'tertial-test-documents' });
    template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'tertial-test-ks-staff' });
    template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'tertial-test-ks-secretary' });
    template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'tertial-test-admin' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'tertial-test-ks-staff' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'tertial-test-admin' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'tertial-test-admin' });
  });

  it('has no e-mail subscriber unless one is given', () => {
    s.template.hasParameter('NotificationEmail', { Default: '' });
  });

  it('deletes the buckets with their objects, the table and the log groups with the stack', () => {
    const { stack, resources, template } = s;
    for (const bucket of [stack.buckets.uploads, stack.buckets.documents, stack.buckets.accessLogs]) {
      expect(resources[logicalId(bucket)].DeletionPolicy).toBe('Delete');
      template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: logicalId(bucket) } });
    }
    expect(resources[logicalId(stack.reportTable.table)]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    for (const fn of [stack.ingest, stack.assemble, stack.templateCheck]) {
      expect(resources[logicalId(fn.logGroup)].DeletionPolicy).toBe('Delete');
    }
  });
});
