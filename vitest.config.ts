import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start their own S3 and DynamoDB servers; CDK synth is slow on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The SDK's notice that its 2027 releases need Node 22 is not a test result.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
