/**
 * The pages on AWS: CloudFront in front of the web function (origin access control, HTTPS
 * only, security headers), the documents bucket private, and sign-in through Cognito with
 * the municipality's SAML provider federated by a stack parameter.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { grantsOfRole, logicalId, synth, type Json } from './synth.js';

const { stack, template, resources } = synth({ committees: ['ks', 'bun'] });
const web = stack.webAccess;
const of = (type: string) => Object.entries(resources).filter(([, r]) => (r as Json).Type === type);
const distributionConfig = resources[logicalId(web.distribution)].Properties.DistributionConfig;
const headers = resources[logicalId(web.headersPolicy)].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;

describe('web access: the distribution', () => {
  it('reaches its origin, the web function URL, only through origin access control (SigV4 signed)', () => {
    const oacs = of('AWS::CloudFront::OriginAccessControl');
    expect(oacs).toHaveLength(1);
    expect((oacs[0]?.[1] as Json).Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 'lambda',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origin = distributionConfig.Origins[0];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacs[0]?.[0], 'Id'] });
    expect(distributionConfig.Origins).toHaveLength(1);
    // The URL takes only signed requests, and only CloudFront's, for this distribution.
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: 'cloudfront.amazonaws.com',
      SourceArn: Match.anyValue(),
    });
  });

  it('answers HTTPS only, caches nothing (every answer depends on who asks), GET and HEAD only', () => {
    const behavior = distributionConfig.DefaultCacheBehavior;
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(distributionConfig.CacheBehaviors).toBeUndefined();
  });

  it('sends the security headers: a CSP without inline scripts, nosniff, frame denial, HSTS', () => {
    const raw = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    // The policy names the uploads bucket's address, a token joined in: render it as <bucket>.
    const csp: string =
      typeof raw === 'string'
        ? raw
        : (raw['Fn::Join'][1] as Json[]).map((p) => (typeof p === 'string' ? p : '<bucket>')).join('');
    expect(csp).toContain("connect-src 'self' https://<bucket>");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, Override: true });
  });

  it('leaves the documents bucket private: Block Public Access, no bucket policy grant to anyone but TLS denials', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.absent(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    for (const [, policy] of of('AWS::S3::BucketPolicy')) {
      for (const statement of (policy as Json).Properties.PolicyDocument.Statement as Json[]) {
        if (statement.Effect === 'Allow') expect(statement.Principal).not.toEqual('*');
      }
    }
    const documents = logicalId(stack.buckets.documents);
    expect(resources[documents].Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
});

describe('web access: the authorizer', () => {
  it('is the web function: it reads the documents bucket it guards and signs uploads to one key per form', () => {
    const grants = grantsOfRole(resources, logicalId(web.web.role));
    const flat = grants.flatMap((g) => g.actions.map((a) => `${a} ${g.resources.join(',')}`));
    expect(flat.some((g) => /^s3:GetObject .*status\/\*/.test(g))).toBe(true);
    expect(flat.some((g) => /^s3:PutObject .*uploads\/\*/.test(g))).toBe(true);
    // It never writes the outputs.
    expect(
      flat
        .filter((g) => /s3:PutObject|s3:DeleteObject/.test(g))
        .every((g) => !/documents|receipts|drafts|status/.test(g.split(' ')[1] ?? '')),
    ).toBe(true);
  });

  it('requires sign-in through Cognito: no self sign-up, a public PKCE client with the code flow only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
    });
    const client = of('AWS::Cognito::UserPoolClient')[0]?.[1] as Json;
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain('/auth/callback');
    expect(client.Properties.AllowedOAuthFlows).not.toContain('implicit');
  });

  it("federates the municipality's SAML provider from a stack parameter, and only when it is given", () => {
    const parameters = template.toJSON().Parameters as Json;
    expect(parameters.SignInSamlMetadataUrl).toMatchObject({ Type: 'String', Default: '' });
    const [, provider] = of('AWS::Cognito::UserPoolIdentityProvider')[0] as [string, Json];
    expect(provider.Properties).toMatchObject({
      ProviderType: 'SAML',
      ProviderDetails: { MetadataURL: { Ref: 'SignInSamlMetadataUrl' } },
    });
    expect(provider.Condition).toBeDefined();
    const client = of('AWS::Cognito::UserPoolClient')[0]?.[1] as Json;
    expect(client.Properties.SupportedIdentityProviders).toEqual({
      'Fn::If': [provider.Condition, [{ Ref: of('AWS::Cognito::UserPoolIdentityProvider')[0]?.[0] }], ['COGNITO']],
    });
  });

  it('has a staff and a secretary group per committee, and admin', () => {
    const groups = of('AWS::Cognito::UserPoolGroup')
      .map(([, g]) => (g as Json).Properties.GroupName as string)
      .sort();
    expect(groups).toEqual(['admin', 'bun-secretary', 'bun-staff', 'ks-secretary', 'ks-staff']);
  });
});
