/**
 * Lambda entry point for the pages behind CloudFront: a function URL that only the
 * distribution may call (origin access control signs every request; the URL's auth
 * type is AWS_IAM). It signs the person in with Cognito (`cognito.ts`), then answers
 * with the web app every runtime shares (`app.ts`): the same rule, pages and presigned
 * POSTs as `tertial local`.
 *
 * The sign-in settings (user pool, client, managed login domain, the distribution's
 * address) are read once from an SSM parameter the stack writes after it has made them:
 * as environment variables they would make the function depend on the distribution in
 * front of it, a cycle CloudFormation refuses.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { UploadTarget } from '../core/access.js';
import { invocationLogger } from '../runtime/invocation.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { s3ObjectStore } from '../storage/objects.js';
import { S3Client } from '@aws-sdk/client-s3';
import { handleWebRequest, securityHeaders, type WebApp } from './app.js';
import { cognitoSignIn, parseCookieHeader, type SignIn, type SignInConfig } from './cognito.js';
import { presignPost } from './presign.js';

/**
 * A buffered function URL answer is at most 6 MB, base64 for binary: objects up to this
 * size are served; a larger one gets a Swedish page saying so (documents are far smaller).
 */
export const MAX_WEB_OBJECT_BYTES = 4 * 1024 * 1024;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const region = env('AWS_REGION');
const documentsBucket = env('DOCUMENTS_BUCKET');
const uploadsBucket = env('UPLOADS_BUCKET');
const signInParameter = env('SIGN_IN_PARAMETER');
const logFor = invocationLogger(powertoolsLog('web'));
const s3 = new S3Client({ region });
const ssm = new SSMClient({ region });
const uploadsUrl = `https://${uploadsBucket}.s3.${region}.amazonaws.com`;
const headers = securityHeaders(uploadsUrl);

let signIn: Promise<SignIn> | undefined;
function loadSignIn(): Promise<SignIn> {
  signIn ??= ssm.send(new GetParameterCommand({ Name: signInParameter })).then((answer) => {
    const config = JSON.parse(answer.Parameter?.Value ?? '') as SignInConfig;
    return cognitoSignIn(config, async (url, form) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      return { status: response.status, body: await response.text() };
    });
  });
  signIn.catch(() => (signIn = undefined));
  return signIn;
}

const app: WebApp = {
  objects: s3ObjectStore(s3),
  documentsBucket,
  signOutPath: '/auth/sign-out',
  async presign(target: UploadTarget) {
    const credentials = await s3.config.credentials();
    return presignPost({ credentials, region, bucket: uploadsBucket, url: uploadsUrl, target, now: new Date() });
  },
};

export async function handler(event: LambdaFunctionURLEvent, context: Context): Promise<LambdaFunctionURLResult> {
  const log = logFor(context);
  const path = event.rawPath || '/';
  const query = new URLSearchParams(event.rawQueryString ?? '');
  const method = event.requestContext.http.method;
  try {
    const outcome = await (
      await loadSignIn()
    ).authenticate({ path, query, cookies: parseCookieHeader(event.cookies ?? []) });
    if (outcome.kind === 'answer') {
      // A failed sign-in is worth a look (a clock skew, a changed client secret, a replayed link).
      const level = outcome.reason.startsWith('sign_in_failed') ? 'warn' : 'info';
      log[level]('sign-in answer', { path, status: outcome.status, reason: outcome.reason });
      return {
        statusCode: outcome.status,
        headers: { ...headers, ...outcome.headers },
        cookies: [...outcome.cookies],
        body: outcome.body,
      };
    }
    const answer = await handleWebRequest(app, outcome.viewer, { method, path, query });
    const binary = typeof answer.body !== 'string';
    if (binary && answer.body.byteLength > MAX_WEB_OBJECT_BYTES) {
      log.info('answered', { path, status: 413, viewer: outcome.viewer.name, bytes: answer.body.byteLength });
      return {
        statusCode: 413,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'Filen är för stor för att visas här; hämta den med AWS CLI.\n',
      };
    }
    log.info('answered', { path, status: answer.status, viewer: outcome.viewer.name });
    return {
      statusCode: answer.status,
      headers: { ...headers, ...answer.headers },
      body: binary ? Buffer.from(answer.body).toString('base64') : (answer.body as string),
      isBase64Encoded: binary,
    };
  } catch (error) {
    log.error('web request failed', { path, error });
    return {
      statusCode: 502,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'Tjänsten svarade inte. Försök igen om en stund.\n',
    };
  }
}
