/**
 * Sign-in on AWS: Amazon Cognito's managed login with the authorization code flow and
 * PKCE (a public client: no secret to keep). The municipality's identity provider
 * (Entra ID or any SAML provider) is federated into the user pool; Cognito groups
 * (`{committee}-staff`, `{committee}-secretary`, `admin`) carry membership. The ID token
 * is kept in an HttpOnly, Secure cookie and verified on every request (signature by the
 * pool's JWKS, issuer, audience, expiry) with `aws-jwt-verify`.
 *
 *   GET /auth/callback   the code from Cognito → tokens → the cookie → back to the page
 *   GET /auth/sign-out   clears the cookie and signs out of Cognito too
 * Anything else without a valid token: pages go to the sign-in, the API answers 401.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { viewerFromGroups, type Viewer } from '../core/access.js';

export interface SignInConfig {
  readonly userPoolId: string;
  readonly clientId: string;
  /** The managed login's address, `https://{prefix}.auth.{region}.amazoncognito.com`. */
  readonly domain: string;
  /** The distribution's address, `https://d123.cloudfront.net`: the callback is here. */
  readonly publicOrigin: string;
}

export const ID_COOKIE = 'tertial_id';
const FLOW_COOKIE = 'tertial_flow';
/** How long the sign-in round trip to Cognito may take. */
const FLOW_SECONDS = 10 * 60;

export interface EdgeRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly cookies: Readonly<Record<string, string>>;
}

export type EdgeOutcome =
  | { readonly kind: 'viewer'; readonly viewer: Viewer }
  | {
      readonly kind: 'answer';
      /** What the answer is, for the log (stable codes; a failed sign-in says where it failed). */
      readonly reason: SignInReason;
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly cookies: readonly string[];
      readonly body: string;
    };

export type SignInReason =
  | 'sign_in_started'
  | 'signed_in'
  | 'signed_out'
  | 'session_missing'
  | 'sign_in_failed_state'
  | 'sign_in_failed_exchange'
  | 'sign_in_failed_token';

export type TokenExchange = (url: string, form: URLSearchParams) => Promise<{ status: number; body: string }>;

export interface SignIn {
  authenticate(request: EdgeRequest): Promise<EdgeOutcome>;
}

/**
 * @param jwks the pool's public keys when known ahead (tests sign their own tokens);
 *   otherwise they are fetched from the pool once and cached.
 */
export function cognitoSignIn(config: SignInConfig, exchange: TokenExchange, jwks?: Jwks): SignIn {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    tokenUse: 'id',
  });
  if (jwks) verifier.cacheJwks(jwks);
  const callback = `${config.publicOrigin}/auth/callback`;
  const cookie = (name: string, value: string, maxAge: number) =>
    `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
  const redirect = (reason: SignInReason, location: string, cookies: string[] = []): EdgeOutcome => ({
    kind: 'answer',
    reason,
    status: 302,
    headers: { Location: location },
    cookies,
    body: '',
  });

  function startSignIn(next: string): EdgeOutcome {
    const verifierCode = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const challenge = createHash('sha256').update(verifierCode).digest('base64url');
    const url = new URL(`${config.domain}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: callback,
      scope: 'openid email profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const flow = Buffer.from(JSON.stringify({ v: verifierCode, s: state, n: next }), 'utf8').toString('base64url');
    return redirect('sign_in_started', url.toString(), [cookie(FLOW_COOKIE, flow, FLOW_SECONDS)]);
  }

  async function finishSignIn(request: EdgeRequest): Promise<EdgeOutcome> {
    let flow: { v?: unknown; s?: unknown; n?: unknown };
    try {
      flow = JSON.parse(Buffer.from(request.cookies[FLOW_COOKIE] ?? '', 'base64url').toString('utf8')) as typeof flow;
    } catch {
      flow = {};
    }
    const code = request.query.get('code');
    if (!code || typeof flow.v !== 'string' || flow.s !== request.query.get('state'))
      return refused('sign_in_failed_state');
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: callback,
      code_verifier: flow.v,
    });
    const answer = await exchange(`${config.domain}/oauth2/token`, form);
    if (answer.status !== 200) return refused('sign_in_failed_exchange');
    const idToken = (JSON.parse(answer.body) as { id_token?: unknown }).id_token;
    if (typeof idToken !== 'string') return refused('sign_in_failed_exchange');
    const payload = await verifier.verify(idToken).catch(() => undefined);
    if (!payload) return refused('sign_in_failed_token');
    const maxAge = Math.max(0, Number(payload.exp) - Math.floor(Date.now() / 1000));
    return redirect('signed_in', `${config.publicOrigin}${safeNext(flow.n)}`, [
      cookie(ID_COOKIE, idToken, maxAge),
      cookie(FLOW_COOKIE, '', 0),
    ]);
  }

  return {
    async authenticate(request) {
      if (request.path === '/auth/callback') return finishSignIn(request);
      if (request.path === '/auth/sign-out') {
        const url = new URL(`${config.domain}/logout`);
        url.search = new URLSearchParams({
          client_id: config.clientId,
          logout_uri: `${config.publicOrigin}/`,
        }).toString();
        return redirect('signed_out', url.toString(), [cookie(ID_COOKIE, '', 0)]);
      }
      const token = request.cookies[ID_COOKIE];
      const payload = token ? await verifier.verify(token).catch(() => undefined) : undefined;
      if (payload) {
        const groups = Array.isArray(payload['cognito:groups'])
          ? (payload['cognito:groups'] as unknown[]).filter((g): g is string => typeof g === 'string')
          : [];
        const name =
          typeof payload.email === 'string' ? payload.email : String(payload['cognito:username'] ?? payload.sub);
        return { kind: 'viewer', viewer: viewerFromGroups(name, groups) };
      }
      if (request.path.startsWith('/api/')) {
        return {
          kind: 'answer',
          reason: 'session_missing',
          status: 401,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          cookies: [],
          body: '{"code":"signed_out","message":"Logga in igen."}\n',
        };
      }
      return startSignIn(request.path);
    },
  };
}

/** A sign-in that could not be finished: the person is told the same whatever failed; the log has `reason`. */
function refused(reason: Extract<SignInReason, `sign_in_failed_${string}`>): EdgeOutcome {
  return {
    kind: 'answer',
    reason,
    status: 400,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    cookies: [],
    body: 'Inloggningen gick inte att slutföra. Försök igen.\n',
  };
}

/** Back to a path of this site only. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

export function parseCookieHeader(headers: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  return out;
}
