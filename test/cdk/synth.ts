/**
 * Shared by the CDK tests: synthesize the stack with the feature flags `cdk synth` uses
 * (read from cdk.json) but without bundling, so no esbuild run is needed; and read the
 * template by construct, never by hashed logical id.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { addChecks } from '../../cdk/checks.js';
import { TertialStack, type TertialStackProps } from '../../cdk/stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CloudFormation JSON
export type Json = any;

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  readonly app: App;
  readonly stack: TertialStack;
  readonly template: Template;
  readonly resources: Record<string, Json>;
}

export const STACK_ID = 'tertial';

// Every App writes its cloud assembly somewhere; without an outdir CDK leaves a `cdk.out*`
// folder in the temporary directory per synth. One folder per test file, removed after it.
const assemblies = mkdtempSync(join(tmpdir(), 'tertial-cdk-test-'));
afterAll(() => rmSync(assemblies, { recursive: true, force: true }));

export function newApp(context: Record<string, unknown> = {}): App {
  return new App({
    outdir: mkdtempSync(join(assemblies, 'cdk.out-')),
    context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] },
  });
}

/**
 * With `checks`, cdk-nag runs as `cdk synth` runs it (cdk/app.ts), and the synth throws
 * on any unacknowledged finding.
 */
export function synth(props: TertialStackProps = {}, options: { checks?: boolean } = {}): Synthesized {
  const app = newApp();
  if (options.checks) addChecks(app);
  const stack = new TertialStack(app, STACK_ID, props);
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources as Record<string, Json> };
}

/** The logical id of a construct's CloudFormation resource (its default child), or of a CfnResource. */
export function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(construct).getLogicalId(cfn);
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Renders `{Fn::GetAtt:[X,'Arn']}` / `{Fn::Join:['',[…, '/p/*']]}` as `X:arn/p/*` for readable assertions. */
export function renderResource(resource: Json): string {
  if (typeof resource === 'string') return resource;
  if (resource?.['Fn::GetAtt']) return `${resource['Fn::GetAtt'][0]}:${resource['Fn::GetAtt'][1].toLowerCase()}`;
  if (resource?.Ref) return `ref:${resource.Ref}`;
  if (resource?.['Fn::Join'])
    return (resource['Fn::Join'][1] as Json[]).map(renderResource).join(resource['Fn::Join'][0]);
  return JSON.stringify(resource);
}

export interface Grant {
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: Json;
}

function toGrant(statement: Json): Grant {
  if (statement.Effect !== 'Allow') throw new Error(`unexpected ${statement.Effect} statement in an identity policy`);
  return {
    actions: asArray<string>(statement.Action),
    resources: asArray(statement.Resource).map(renderResource),
    ...(statement.Condition ? { condition: statement.Condition } : {}),
  };
}

/** Every statement of the identity policies attached to the role with this logical id. */
export function grantsOfRole(resources: Record<string, Json>, roleId: string): Grant[] {
  const role = resources[roleId];
  const inline = ((role?.Properties?.Policies ?? []) as Json[]).flatMap((p) => p.PolicyDocument.Statement as Json[]);
  const attached = Object.values(resources)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties.Roles ?? []).some((ref: Json) => ref.Ref === roleId),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
  return [...inline, ...attached].map(toGrant);
}

/** Every statement of the managed policy with this logical id. */
export function grantsOfManagedPolicy(resources: Record<string, Json>, policyId: string): Grant[] {
  return (resources[policyId].Properties.PolicyDocument.Statement as Json[]).map(toGrant);
}

/** Resources (rendered, sorted) on which `action` (exact name as granted) is allowed, without a condition. */
export const resourcesFor = (grants: Grant[], action: string): string[] =>
  grants
    .filter((g) => g.actions.includes(action) && !g.condition)
    .flatMap((g) => g.resources)
    .sort();

/** Every action of these grants that starts with `service:`, sorted and unique. */
export const actionsOf = (grants: Grant[], service: string): string[] =>
  [...new Set(grants.flatMap((g) => g.actions).filter((a) => a.startsWith(`${service}:`)))].sort();
