/**
 * Acknowledgements of cdk-nag findings, each with its reason, written next to the
 * resource they are about. cdk-nag itself runs from `cdk/app.ts` and test/cdk; the
 * stack only records acknowledgements (CDK's `Validations`), so it does not depend on
 * cdk-nag.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A resource as cdk-nag names it in a finding: `<Bucket1234.Arn>/uploads/*` for
 * `{Fn::Join: ['', [{Fn::GetAtt: ['Bucket1234', 'Arn']}, '/uploads/*']]}`.
 */
export function nagResourceName(scope: IConstruct, value: unknown): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const n = node as Record<string, unknown>;
    if (Array.isArray(n['Fn::Join'])) {
      const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (n['Fn::Sub'] !== undefined) return visit(n['Fn::Sub']);
    if (Array.isArray(n['Fn::GetAtt'])) {
      const [resource, attribute] = n['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (n.Ref !== undefined) return `<${visit(n.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}

/** Acknowledges cdk-nag's IAM5 finding for one wildcard resource of the policies under `scope`. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagResourceName(scope, resource)}]`, reason });
}
