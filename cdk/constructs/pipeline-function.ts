import * as fs from 'node:fs';
import { type Duration, RemovalPolicy, type Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  BUNDLE_AWS_SDK,
  ESBUILD_ALIAS,
  ESM_REQUIRE_BANNER,
  HANDLER_ENTRIES,
  MAIN_FIELDS,
  NODE_OPTIONS,
  RUNTIME,
  type HandlerName,
} from '../bundling.js';
import { DEFAULT_TEMPLATE_SOURCE, repoPath } from '../paths.js';
import { ASYNC_RETRY_ATTEMPTS, MAX_EVENT_AGE } from './failure-path.js';
import { grantTableItems, type TableGrant } from './table-grants.js';

/** Six months: the previous tertial's runs can still be looked into when the next one closes. */
export const LOG_RETENTION = logs.RetentionDays.SIX_MONTHS;

/** What every pipeline function is wired to: the stack passes the same to each. */
export interface PipelineWiring {
  readonly namePrefix: string;
  readonly uploadsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  /** Where an event goes when the retries are used up or it grew too old. */
  readonly failureQueue: sqs.IQueue;
  /** Test deployments only: the log group is deleted with the stack. */
  readonly destroyOnRemoval: boolean;
}

export interface PipelineFunctionProps {
  readonly handler: HandlerName;
  /** Physical function name, `{namePrefix}-{name}`. */
  readonly functionName: string;
  /** Powertools service name; the handler gives the same to its Logger. */
  readonly serviceName: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Where an event goes when the retries are used up or it grew too old. */
  readonly failureQueue: sqs.IQueue;
  /** Test deployments only: the log group is deleted with the stack. */
  readonly destroyOnRemoval: boolean;
  /** Ships templates/default.docx in the bundle: every function that renders a document or draft. */
  readonly bundleDefaultTemplate?: boolean;
  /**
   * Runs as this container image instead of an esbuild bundle in a zip (the assemble
   * function with LibreOffice). Everything else (role, log group, environment, retries,
   * failure queue) is the same either way.
   */
  readonly containerImage?: ContainerImage;
}

export interface ContainerImage {
  readonly code: lambda.DockerImageCode;
  /** The architecture the image is built for. */
  readonly architecture: lambda.Architecture;
  readonly ephemeralStorageSize?: Size;
}

/**
 * What an S3-triggered function's props take from its short name and the wiring: the
 * physical name `{namePrefix}-{name}`, the service `tertial-{name}`, the failure queue.
 */
export function wiredProps(
  name: string,
  wiring: PipelineWiring,
): Pick<PipelineFunctionProps, 'functionName' | 'serviceName' | 'failureQueue' | 'destroyOnRemoval'> {
  return {
    functionName: `${wiring.namePrefix}-${name}`,
    serviceName: `tertial-${name}`,
    failureQueue: wiring.failureQueue,
    destroyOnRemoval: wiring.destroyOnRemoval,
  };
}

/** Where the default template ends up inside the deployed function (`/var/task` is the bundle root). */
export const DEFAULT_TEMPLATE_PATH = '/var/task/default.docx';

/**
 * One of the pipeline's S3-triggered functions: Node.js on arm64, bundled locally with
 * esbuild (no Docker), with its own role (no AWS managed policy), its own log group,
 * and async invocation settings that never drop an event silently.
 *
 * No `reservedConcurrentExecutions`: events for the same key may run concurrently and
 * in any order. Ordering comes from the S3 `sequencer`, compared in a conditional write
 * to the table (an older event loses), not from serialising invocations.
 */
export class PipelineFunction extends Construct {
  readonly lambdaFunction: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    // Fail synth with a clear message rather than bundle a function without its template.
    // (Skipped when bundling is skipped for this stack, e.g. in the CDK tests.)
    if (props.bundleDefaultTemplate && Stack.of(scope).bundlingRequired && !fs.existsSync(DEFAULT_TEMPLATE_SOURCE)) {
      throw new Error(
        `${scope.node.path}/${id}: default template not found at ${DEFAULT_TEMPLATE_SOURCE}; it is bundled with the function.`,
      );
    }
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    // An explicit role instead of the default one, which carries the AWS managed
    // AWSLambdaBasicExecutionRole (logs on every log group in the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    // What the zip and the image variants share, so that they cannot differ in anything
    // but how the code is packaged.
    const common = {
      functionName: props.functionName,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(props.bundleDefaultTemplate ? { DEFAULT_TEMPLATE_PATH } : {}),
      },
      // S3 invokes asynchronously. A function error is retried twice; throttling and
      // service errors are retried until the event is MAX_EVENT_AGE old; then the event,
      // with the error, goes to the failure queue.
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(props.failureQueue),
    } satisfies Partial<lambda.FunctionProps>;
    const image = props.containerImage;
    this.lambdaFunction = image
      ? new lambda.DockerImageFunction(this, 'Function', {
          ...common,
          code: image.code,
          architecture: image.architecture,
          ...(image.ephemeralStorageSize ? { ephemeralStorageSize: image.ephemeralStorageSize } : {}),
        })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...common,
          entry: repoPath(HANDLER_ENTRIES[props.handler]),
          handler: 'handler',
          projectRoot: repoPath(),
          depsLockFilePath: repoPath('package-lock.json'),
          runtime: RUNTIME,
          // Graviton: cheaper per GB-second, and the bundle is pure JavaScript (no native modules).
          architecture: lambda.Architecture.ARM_64,
          bundling: {
            format: nodejs.OutputFormat.ESM,
            mainFields: MAIN_FIELDS,
            banner: ESM_REQUIRE_BANNER,
            sourceMap: true,
            sourcesContent: false,
            minify: true,
            keepNames: true,
            bundleAwsSDK: BUNDLE_AWS_SDK,
            esbuildArgs: { '--alias': Object.entries(ESBUILD_ALIAS).map(([from, to]) => `${from}=${to}`) },
            // esbuild's per-file size summary is noise in `cdk synth`; warnings still show.
            logLevel: nodejs.LogLevel.WARNING,
            ...(props.bundleDefaultTemplate
              ? {
                  commandHooks: {
                    beforeBundling: () => [],
                    beforeInstall: () => [],
                    afterBundling: (inputDir: string, outputDir: string) => [
                      `cp "${inputDir}/templates/default.docx" "${outputDir}/default.docx"`,
                    ],
                  },
                }
              : {}),
          },
        });
  }

  /** Sets an environment variable of the function (call it next to the grant it goes with). */
  addEnvironment(name: string, value: string): void {
    this.lambdaFunction.addEnvironment(name, value);
  }

  /**
   * Names the table in `TABLE_NAME` and allows exactly each grant's actions on the items
   * of its kinds (one statement per grant).
   */
  bindTable(table: dynamodb.ITable, ...grants: [TableGrant, ...TableGrant[]]): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    grantTableItems(this.role, table, grants);
  }
}
