// Lint: typescript-eslint's recommended rules, plus the boundary of the pure core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'out/', 'test/artifacts/', 'bench/.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      // The sanitizers (keys, cell text, page paths) match control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Unit tests are pure: no LibreOffice or other processes, and no wall-clock or memory
    // thresholds (those belong in test/integration or in npm run bench).
    files: ['test/unit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:child_process', message: 'A unit test starts no process: put it in test/integration.' },
            { name: 'child_process', message: 'A unit test starts no process: put it in test/integration.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'performance',
          property: 'now',
          message: 'No wall-clock thresholds in unit tests: test/integration or the bench.',
        },
        {
          object: 'process',
          property: 'memoryUsage',
          message: 'No memory thresholds in unit tests: test/integration or the bench.',
        },
        {
          object: 'process',
          property: 'resourceUsage',
          message: 'No memory thresholds in unit tests: test/integration or the bench.',
        },
      ],
    },
  },
);
