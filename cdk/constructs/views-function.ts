import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { grantPeriodViews, grantWriteObjects } from './object-grants.js';
import { KEY_PREFIXES } from '../../lambdas/core/keys.js';
import { TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, wiredProps, type PipelineWiring } from './pipeline-function.js';

export type ViewsFunctionProps = PipelineWiring;

/**
 * Regenerates a period's draft document and status page whenever a receipt lands in
 * the documents bucket (`receipts/…json`): after every upload, close and template
 * check, and, when a tertial closes, the next tertial's workbook. It writes only under
 * `drafts/`, `status/` and `workbooks/`, none of which triggers anything. The views are
 * its only work, so a failure is thrown: Lambda retries the receipt's event and, in
 * the end, the failure queue keeps it.
 */
export class ViewsFunction extends PipelineFunction {
  constructor(scope: Construct, id: string, props: ViewsFunctionProps) {
    super(scope, id, {
      handler: 'views',
      description:
        'Regenerates the period draft (drafts/) and status page (status/) after each receipt; the next workbook (workbooks/) on a close',
      // The same work as a close (read the period, render the document) plus one HTML
      // page, so the same size as the assemble function.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      ...wiredProps('views', props),
      bundleDefaultTemplate: true,
    });
    const { uploadsBucket, documentsBucket, table } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    grantPeriodViews(this.role, uploadsBucket, documentsBucket);
    // When a tertial closes, the next one's workbook.
    grantWriteObjects(this.role, documentsBucket, [KEY_PREFIXES.workbooks]);

    // Reads the period and the committee's accepted template; writes nothing there.
    this.bindTable(table, { actions: ['GetItem', 'Query'], kinds: TABLE_ITEM_KINDS.views });
  }
}
