/**
 * Sign-in on AWS without AWS: tokens signed here with a key of our own, verified by
 * aws-jwt-verify against that key set, exactly as the web function verifies Cognito's.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cognitoSignIn, ID_COOKIE, type EdgeOutcome } from '../../lambdas/web/cognito.js';

const config = {
  userPoolId: 'eu-north-1_Test1234',
  clientId: 'client123',
  domain: 'https://tertial-signin.auth.eu-north-1.amazoncognito.com',
  publicOrigin: 'https://d111.cloudfront.net',
};
const issuer = `https://cognito-idp.eu-north-1.amazonaws.com/${config.userPoolId}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = {
  keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid: 'k1', alg: 'RS256', use: 'sig' }],
} as never;

function token(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${part({ iss: issuer, aud: config.clientId, token_use: 'id', iat: now, exp: now + 3600, sub: 'u1', ...claims })}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

const noExchange = async () => ({ status: 500, body: '' });
const request = (path: string, cookies: Record<string, string> = {}, query = '') => ({
  path,
  query: new URLSearchParams(query),
  cookies,
});
const answer = (o: EdgeOutcome) => (o.kind === 'answer' ? o : expect.fail('expected an answer'));

describe('cognito sign-in', () => {
  it('sends a person without a token to the managed login with PKCE (S256) and a state', async () => {
    const out = answer(
      await cognitoSignIn(config, noExchange, jwks).authenticate(request('/status/ks/2024/T1/index.html')),
    );
    expect(out.status).toBe(302);
    const url = new URL(out.headers.Location as string);
    expect(url.origin + url.pathname).toBe(`${config.domain}/oauth2/authorize`);
    expect(url.searchParams.get('client_id')).toBe('client123');
    expect(url.searchParams.get('redirect_uri')).toBe('https://d111.cloudfront.net/auth/callback');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);
    expect(out.cookies[0]).toMatch(/^tertial_flow=.+; Path=\/; Secure; HttpOnly; SameSite=Lax/);
  });

  it('answers the API 401 instead of redirecting', async () => {
    expect(answer(await cognitoSignIn(config, noExchange, jwks).authenticate(request('/api/presign'))).status).toBe(
      401,
    );
  });

  it('takes the groups of a valid token', async () => {
    const out = await cognitoSignIn(config, noExchange, jwks).authenticate(
      request('/', {
        [ID_COOKIE]: token({ email: 'anna@kommun.se', 'cognito:groups': ['ks-staff', 'bun-secretary'] }),
      }),
    );
    expect(out.kind).toBe('viewer');
    if (out.kind === 'viewer') {
      expect(out.viewer.name).toBe('anna@kommun.se');
      expect(Object.fromEntries(out.viewer.committees)).toEqual({ ks: 'staff', bun: 'secretary' });
    }
  });

  it.each([
    ['signed with another key', () => token({ 'cognito:groups': ['admin'] }, other.privateKey)],
    ['for another client', () => token({ aud: 'someone-else', 'cognito:groups': ['admin'] })],
    [
      'from another pool',
      () =>
        token({ iss: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Other', 'cognito:groups': ['admin'] }),
    ],
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 60, 'cognito:groups': ['admin'] })],
    ['an access token', () => token({ token_use: 'access', 'cognito:groups': ['admin'] })],
    [
      'unsigned (alg none)',
      () =>
        `${token({ 'cognito:groups': ['admin'] })
          .split('.')
          .slice(0, 2)
          .join('.')}.`,
    ],
  ])('refuses a token %s: back to sign-in', async (_case, make) => {
    const out = answer(
      await cognitoSignIn(config, noExchange, jwks).authenticate(request('/', { [ID_COOKIE]: make() })),
    );
    expect(out.status).toBe(302);
    expect(out.headers.Location).toMatch(/\/oauth2\/authorize\?/);
  });

  it('finishes the sign-in: exchanges the code with the PKCE verifier and sets the token cookie', async () => {
    const signIn = cognitoSignIn(
      config,
      async (url, form) => {
        expect(url).toBe(`${config.domain}/oauth2/token`);
        // The verifier hashes to the challenge sent at the start.
        expect(
          createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url'),
        ).toBe(challenge);
        return { status: 200, body: JSON.stringify({ id_token: token({ 'cognito:groups': ['ks-staff'] }) }) };
      },
      jwks,
    );
    const start = answer(await signIn.authenticate(request('/status/ks/2024/T1/index.html')));
    const authorize = new URL(start.headers.Location as string);
    const challenge = authorize.searchParams.get('code_challenge');
    const flow = (start.cookies[0] ?? '').split(';')[0]?.split('=')[1] ?? '';
    const done = answer(
      await signIn.authenticate(
        request('/auth/callback', { tertial_flow: flow }, `code=abc&state=${authorize.searchParams.get('state')}`),
      ),
    );
    expect(done.status).toBe(302);
    expect(done.headers.Location).toBe('https://d111.cloudfront.net/status/ks/2024/T1/index.html');
    expect(done.cookies[0]).toMatch(/^tertial_id=ey.+; Secure; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    // A callback whose state is not the one sent is refused (a forged sign-in).
    const forged = answer(
      await signIn.authenticate(request('/auth/callback', { tertial_flow: flow }, 'code=abc&state=other')),
    );
    expect(forged.status).toBe(400);
  });
});
