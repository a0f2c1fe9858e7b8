import { describe, expect, it } from 'vitest';
import { PortInUseError } from '../../cli/port-error.js';
import { UsageError } from '../../cli/args.js';
import { ConfigError as CdkConfigError } from '../../cdk/config.js';
import { PdfConversionError } from '../../lambdas/assemble/pdf.js';
import { ConfigError, TertialError } from '../../lambdas/core/errors.js';
import { TemplateError } from '../../lambdas/core/render.js';
import { EventFailure } from '../../lambdas/runtime/dispatch.js';
import { ContentionError, UnprocessedItemsError } from '../../lambdas/storage/errors.js';

const cause = new Error('what went wrong below');

const faults: readonly [string, TertialError][] = [
  ['ConfigError', new ConfigError('environment variable TABLE_NAME is not set', { cause })],
  ['ContentionError', new ContentionError('period item kept changing', { cause })],
  ['UnprocessedItemsError', new UnprocessedItemsError('rows left unprocessed', { cause })],
  [
    'TemplateError',
    new TemplateError(
      'invalid_template',
      [{ code: 'invalid_template', message: 'Mallen går inte att läsa.', file: 'templates/ks.docx' }],
      { cause },
    ),
  ],
  ['PdfConversionError', new PdfConversionError('conversion timed out', { cause })],
  ['UsageError', new UsageError('unknown command', undefined, { cause })],
  ['PortInUseError', new PortInUseError(4569, { cause })],
  ['EventFailure', new EventFailure('1 of 1 records failed', { cause })],
];

describe('every fault', () => {
  it.each(faults)('%s is a TertialError with a stable code, its own name and its cause', (name, error) => {
    expect(error).toBeInstanceOf(TertialError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toMatch(/^[a-z_]+$/);
    expect(error.cause).toBe(cause);
  });

  it('has one ConfigError, for the functions and the CDK app alike', () => {
    expect(CdkConfigError).toBe(ConfigError);
  });
});
