import * as fs from 'node:fs';
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_TEMPLATE_SOURCE } from '../paths.js';
import { KEY_PREFIXES } from './report-buckets.js';
import { tertialFunction } from './tertial-function.js';

/** Where the default template ends up inside the deployed function (`/var/task` is the bundle root). */
export const DEFAULT_TEMPLATE_PATH = '/var/task/default.docx';

export interface AssembleFunctionProps {
  readonly uploadsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
}

/**
 * When `closures/{committee}/{year}/T{n}` appears, renders the period's entries into
 * `documents/…docx` (committee template if present, else the bundled default) and a receipt.
 * Triggered by the notifications the stack derives from `NOTIFICATION_RULES`.
 */
export class AssembleFunction extends Construct {
  readonly lambdaFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: AssembleFunctionProps) {
    super(scope, id);
    const { uploadsBucket, documentsBucket, table } = props;

    // Fail synth with a clear message rather than deploy a function without its template.
    // (Skipped when bundling is skipped for this stack, e.g. in the unit tests.)
    if (Stack.of(this).bundlingRequired && !fs.existsSync(DEFAULT_TEMPLATE_SOURCE)) {
      throw new Error(
        `${this.node.path}: default template not found at ${DEFAULT_TEMPLATE_SOURCE}; it is bundled with the assemble function.`,
      );
    }

    const fn = tertialFunction(this, 'Function', {
      entry: 'lambdas/assemble/handler.ts',
      description: 'Assembles the period report (documents/) when a closure marker (closures/) is written',
      // Reads a whole period's entries, renders the .docx and uploads it: usually seconds,
      // but it runs once per period, so a generous ceiling costs nothing.
      timeout: Duration.minutes(5),
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [
          `cp "${inputDir}/templates/default.docx" "${outputDir}/default.docx"`,
        ],
      },
    });
    this.lambdaFunction = fn;

    fn.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    for (const prefix of [KEY_PREFIXES.closures, KEY_PREFIXES.templates, KEY_PREFIXES.config]) {
      uploadsBucket.grantRead(fn, `${prefix}*`);
    }

    fn.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    for (const prefix of [KEY_PREFIXES.documents, KEY_PREFIXES.receipts]) {
      documentsBucket.grantPut(fn, `${prefix}*`);
    }
    // A re-delivered closure checks (HeadObject) whether its document already exists. That
    // needs s3:GetObject, and s3:ListBucket so that a missing document is 404, not 403.
    documentsBucket.grantRead(fn, `${KEY_PREFIXES.documents}*`);

    fn.addEnvironment('TABLE_NAME', table.tableName);
    table.grantReadWriteData(fn);

    fn.addEnvironment('DEFAULT_TEMPLATE_PATH', DEFAULT_TEMPLATE_PATH);
  }
}
