/**
 * The credential chain in the Lambda bundles, in place of `@aws-sdk/credential-provider-node`
 * (esbuild alias, cdk/bundling.ts). Lambda gives a function its role's credentials in the
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the
 * first link of the SDK's default chain and the one it always ends at there; the other
 * links (SSO, shared ini files, processes, web identity, container and instance metadata)
 * and the STS and SSO clients they carry are about 100 KiB of every bundle and part of
 * every cold start. Outside a bundle (the command line, the tests) the SDK's own chain is
 * used unchanged.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The SDK clients call this with their configuration; only the logger matters to `fromEnv`. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
