/**
 * The pages in a browser, signed in:
 *
 *   person ──HTTPS──▶ CloudFront ──OAC (SigV4)──▶ web function URL (AWS_IAM) ──▶ documents bucket (private)
 *              │                                      │ verifies the Cognito token, applies core/access.ts
 *              └── sign-in: Cognito managed login ◀── federated: the municipality's SAML provider (Entra ID)
 *   page script ──presigned POST──▶ uploads bucket (one key, type and size per form)
 *
 * Why a function as the origin, not the bucket with an edge check: every object is
 * behind the per-committee rule, which needs a verified RS256 token. CloudFront
 * Functions cannot verify RSA signatures; Lambda@Edge must live in us-east-1, takes no
 * environment and needs a second, cross-region stack. The function runs in the stack's
 * region, with the code the local web server runs, and only CloudFront can call it.
 */
import {
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ADMIN_GROUP, secretaryGroup, staffGroup } from '../../lambdas/core/access.js';
import { COMMITTEE_OUTPUT_FOLDERS, KEY_PREFIXES, statusPagesPrefix } from '../../lambdas/core/keys.js';
import { contentSecurityPolicy } from '../../lambdas/web/app.js';
import { grantKeyActions, grantListKeys, grantObjectActions } from './object-grants.js';
import { PipelineFunction, type PipelineWiring } from './pipeline-function.js';

export interface WebAccessProps extends PipelineWiring {
  /** The committees the stack serves: each gets its `-staff` and `-secretary` group. */
  readonly committees: readonly string[];
}

/** How long a sign-in lasts before Cognito is asked again (the ID token's lifetime). */
export const SIGN_IN_HOURS = 8;

export class WebAccess extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly distribution: cloudfront.Distribution;
  readonly web: PipelineFunction;
  readonly functionUrl: lambda.FunctionUrl;
  readonly headersPolicy: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { namePrefix } = props;

    const samlMetadataUrl = new CfnParameter(stack, 'SignInSamlMetadataUrl', {
      type: 'String',
      default: '',
      description:
        "The municipality's identity provider: its SAML metadata URL (Entra ID: the enterprise application's App Federation Metadata Url). Empty: only users made in the Cognito user pool sign in.",
    });
    const providerName = new CfnParameter(stack, 'SignInProviderName', {
      type: 'String',
      default: 'Kommunen',
      allowedPattern: '^[A-Za-z0-9_-]{1,32}$',
      description: 'The name of the identity provider on the sign-in page.',
    });
    const domainPrefix = new CfnParameter(stack, 'SignInDomainPrefix', {
      type: 'String',
      default: `${namePrefix}-signin`,
      allowedPattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
      description:
        'The managed sign-in address, https://{prefix}.auth.{region}.amazoncognito.com (unique within the region).',
    });
    const federated = new CfnCondition(this, 'Federated', {
      expression: Fn.conditionNot(Fn.conditionEquals(samlMetadataUrl.valueAsString, '')),
    });

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${namePrefix}-users`,
      // People are added by the municipality (federated, or by an administrator), never by themselves.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        "The Plus feature plan (about 0.02 USD per person a month, and threat protection) is not needed: people sign in through the municipality's identity provider, whose own risk checks and conditional access apply.",
    });
    const domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: domainPrefix.valueAsString } });

    for (const group of [ADMIN_GROUP, ...props.committees.flatMap((c) => [staffGroup(c), secretaryGroup(c)])]) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group });
    }

    const provider = new cognito.CfnUserPoolIdentityProvider(this, 'Municipality', {
      userPoolId: this.userPool.userPoolId,
      providerName: providerName.valueAsString,
      providerType: 'SAML',
      providerDetails: { MetadataURL: samlMetadataUrl.valueAsString },
      attributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
    });
    provider.cfnOptions.condition = federated;

    this.web = new PipelineFunction(this, 'Web', {
      handler: 'web',
      functionName: `${namePrefix}-web`,
      serviceName: 'web',
      description:
        'The pages signed in: status pages, receipts, drafts, documents and presigned uploads, per committee',
      memorySize: 512,
      timeout: Duration.seconds(10),
      failureQueue: props.failureQueue,
      destroyOnRemoval: props.destroyOnRemoval,
    });
    const role = this.web.role;
    // Reads what the rule allows (checked in code, per request), lists the status pages for the index.
    grantObjectActions(
      role,
      props.documentsBucket,
      ['s3:GetObject'],
      COMMITTEE_OUTPUT_FOLDERS.map((f) => `${f}/`),
    );
    grantListKeys(role, props.documentsBucket, [`${statusPagesPrefix()}*`]);
    // The presigned POSTs are signed with this role: it is their ceiling (each form is one key).
    grantKeyActions(
      role,
      props.uploadsBucket,
      ['s3:PutObject'],
      [`${KEY_PREFIXES.uploads}*`, `${KEY_PREFIXES.closures}*`, `${KEY_PREFIXES.templates}*`],
    );

    this.functionUrl = this.web.lambdaFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

    this.headersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: `${namePrefix}-pages`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(`https://${props.uploadsBucket.bucketRegionalDomainName}`),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${namePrefix}: status pages, receipts and documents, signed in`,
      defaultBehavior: {
        origin: origins.FunctionUrlOrigin.withOriginAccessControl(this.functionUrl),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Every answer depends on who asks: nothing is cached at the edge.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: this.headersPolicy,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    const acknowledge = (nagId: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id: nagId, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'No geo restriction: staff sign in from wherever they work; sign-in and the per-committee rule decide access.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'No WAF web ACL (about 6 USD a month and more per rule): every request needs a signed-in person, and the origin only answers CloudFront.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'No CloudFront access logs: the web function logs every answer (path, status, who) to its log group.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      "The distribution's default *.cloudfront.net certificate; CloudFront negotiates TLS 1.2 or newer with current browsers. With the municipality's own domain, set its certificate and TLSv1.2_2021.",
    );

    const origin = `https://${this.distribution.distributionDomainName}`;
    this.client = this.userPool.addClient('Pages', {
      userPoolClientName: `${namePrefix}-pages`,
      // A public client with PKCE: the function keeps no client secret.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${origin}/auth/callback`],
        logoutUrls: [`${origin}/`],
      },
      idTokenValidity: Duration.hours(SIGN_IN_HOURS),
      accessTokenValidity: Duration.hours(SIGN_IN_HOURS),
      preventUserExistenceErrors: true,
    });
    const cfnClient = this.client.node.defaultChild as cognito.CfnUserPoolClient;
    // The provider's Ref (its name) only where it exists: the client waits for it then.
    cfnClient.supportedIdentityProviders = Token.asList(
      Fn.conditionIf(federated.logicalId, [provider.ref], ['COGNITO']),
    );

    const parameterName = `/${namePrefix}/web/sign-in`;
    const parameter = new ssm.StringParameter(this, 'SignInSettings', {
      parameterName,
      description: 'Sign-in settings of the web function (user pool, client, managed login, distribution)',
      stringValue: stack.toJsonString({
        userPoolId: this.userPool.userPoolId,
        clientId: this.client.userPoolClientId,
        domain: `https://${domain.domainName}.auth.${stack.region}.amazoncognito.com`,
        publicOrigin: origin,
      }),
    });
    // By name, not by reference: a reference would make the function depend on the distribution.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.slice(1) })],
      }),
    );
    void parameter;
    this.web.addEnvironment('SIGN_IN_PARAMETER', parameterName);
    this.web.addEnvironment('DOCUMENTS_BUCKET', props.documentsBucket.bucketName);
    this.web.addEnvironment('UPLOADS_BUCKET', props.uploadsBucket.bucketName);

    // The page reads the answer to its POST; which forms S3 takes is the presigned policy's decision.
    if (props.uploadsBucket instanceof s3.Bucket) {
      props.uploadsBucket.addCorsRule({
        allowedMethods: [s3.HttpMethods.POST],
        allowedOrigins: ['*'],
        allowedHeaders: ['*'],
        maxAge: 3000,
      });
    }

    new CfnOutput(stack, 'PagesUrl', { value: `${origin}/`, description: 'The status pages, signed in' });
    new CfnOutput(stack, 'SignInCallbackUrl', {
      value: `${origin}/auth/callback`,
      description: "The reply URL to register in the municipality's identity provider",
    });
    new CfnOutput(stack, 'SignInSamlEntityId', {
      value: Fn.join('', ['urn:amazon:cognito:sp:', this.userPool.userPoolId]),
      description: 'The SAML entity id (identifier) of the user pool, for the identity provider',
    });
    new CfnOutput(stack, 'SignInSamlReplyUrl', {
      value: `https://${domain.domainName}.auth.${stack.region}.amazoncognito.com/saml2/idpresponse`,
      description: 'The SAML reply URL (assertion consumer service) for the identity provider',
    });
  }
}
