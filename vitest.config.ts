import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start their own S3 and DynamoDB servers; CDK synth is slow on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
