/**
 * DynamoDB grants scoped to the items a function owns. `table.grantReadWriteData` would
 * give every item action (Scan, DeleteItem, PutItem…) on every item and index; these
 * give the exact actions a function's code sends, on the partition keys of the item
 * kinds it touches (`dynamodb:LeadingKeys`, patterns from lambdas/storage/table-keys.ts,
 * the module the repository builds its keys with).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { leadingKeyPatterns, type TableItemKind } from '../../lambdas/storage/table-keys.js';

/** The item actions the repository sends (lambdas/storage/repository.ts). */
export type ItemAction = 'GetItem' | 'Query' | 'UpdateItem' | 'BatchWriteItem' | 'PutItem' | 'DeleteItem';

/** Some item actions on the items of some kinds: one statement of a function's table grant. */
export interface TableGrant {
  readonly actions: readonly ItemAction[];
  readonly kinds: readonly TableItemKind[];
}

/**
 * Allows each grant's `actions` on the table's items whose partition key has one of
 * that grant's kinds' prefixes, one statement per grant: so an action that can
 * overwrite or delete (BatchWriteItem) is given only on the kinds the code sends it
 * for, not on every kind the function reads. Two conditions on each, both needed:
 *
 * - `ForAllValues:StringLike` on `dynamodb:LeadingKeys`: every partition key the request
 *   names (a batch names several) matches one of the patterns;
 * - `Null: false` on the same key: a request that names no partition key (Scan) has no
 *   `dynamodb:LeadingKeys`, and `ForAllValues` over an absent key is true. Without this,
 *   granting any action that can omit the key would open the whole table.
 */
export function grantTableItems(role: iam.IRole, table: dynamodb.ITable, grants: readonly TableGrant[]): void {
  for (const { actions, kinds } of grants) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(kinds) },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
  }
}
