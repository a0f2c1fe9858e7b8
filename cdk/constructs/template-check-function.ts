import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { grantReadObjects, grantWriteObjects } from './object-grants.js';
import { TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, wiredProps, type PipelineWiring } from './pipeline-function.js';
import { KEY_PREFIXES, MISPLACED_RECEIPTS_PREFIX } from '../../lambdas/core/keys.js';

export type TemplateCheckFunctionProps = PipelineWiring;

/**
 * Checks a committee template when it is uploaded to `templates/{committee}.docx`. An
 * accepted template is copied to the documents bucket under a key of its own and
 * recorded in the table; a broken one gets a receipt and the previous one stays in
 * force. Triggered by the notifications the stack derives from `NOTIFICATION_RULES`.
 */
export class TemplateCheckFunction extends PipelineFunction {
  constructor(scope: Construct, id: string, props: TemplateCheckFunctionProps) {
    super(scope, id, {
      handler: 'templateCheck',
      description: 'Checks committee templates (templates/) and keeps the accepted copy',
      // One .docx of at most a few MB, unzipped and rendered once with sample data: the
      // same kind of work as assembling a document, on a smaller input.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      ...wiredProps('template-check', props),
    });
    const { uploadsBucket, documentsBucket, table } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    grantReadObjects(this.role, uploadsBucket, [KEY_PREFIXES.templates]);

    // The accepted copy and the receipt (of a misnamed template too); it never reads either back.
    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    grantWriteObjects(this.role, documentsBucket, [
      KEY_PREFIXES.templates,
      KEY_PREFIXES.templateReceipts,
      `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.templates}`,
    ]);

    // Reads and moves the committee's template pointer; nothing of a period.
    this.bindTable(table, { actions: ['GetItem', 'UpdateItem'], kinds: TABLE_ITEM_KINDS.templateCheck });
  }
}
