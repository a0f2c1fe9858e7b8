/**
 * The PDF is secondary to the Word document: when the conversion fails the close still
 * succeeds, the receipt and the log say the PDF is missing, and the event fails so that
 * it is retried; the retry (Lambda's own, or the closure written again) makes the PDF
 * from the stored document. Against the real local servers, with a converter that fails
 * on demand (no LibreOffice needed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../cli/local-stack.js';
import { closureKey, closureReceiptKey, documentKey, pdfKey, uploadKey } from '../../lambdas/core/keys.js';
import type { Log } from '../../lambdas/core/log.js';
import type { ClosureReceipt } from '../../lambdas/core/receipt.js';
import type { Period } from '../../lambdas/core/domain.js';
import { PdfConversionError } from '../../lambdas/assemble/pdf.js';
import { simpleWorkbook } from '../helpers/workbook.js';

const FAKE_PDF = new TextEncoder().encode('%PDF-1.4 fake');

/** Fails while `failing` is set; records the .docx it was given each time. */
const converter = {
  failing: true,
  calls: [] as Uint8Array[],
  convert: async (docx: Uint8Array): Promise<Uint8Array> => {
    converter.calls.push(docx);
    if (converter.failing) throw new PdfConversionError('LibreOffice wrote no PDF (exited with 1): test');
    return FAKE_PDF;
  },
};

const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const log: Log = {
  debug: () => {},
  info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
  warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
  error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
};

let stack: LocalStack;
let dataDir: string;
let counter = 0;

async function put(key: string, body: Uint8Array | string): Promise<void> {
  await stack.runtime.clients.s3.send(
    new PutObjectCommand({
      Bucket: stack.config.uploadsBucket,
      Key: key,
      Body: body,
      ContentLength: Buffer.byteLength(body),
    }),
  );
  await stack.idle();
}

async function output(key: string): Promise<Uint8Array | undefined> {
  return (await stack.runtime.objects.get(stack.config.documentsBucket, key))?.bytes;
}

async function receiptOf(period: Period): Promise<ClosureReceipt | undefined> {
  const bytes = await output(closureReceiptKey(period));
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as ClosureReceipt) : undefined;
}

async function periodWithUpload(): Promise<Period> {
  counter += 1;
  const period: Period = { committee: `pdf-${counter}`, year: 2024, tertial: 1 };
  await put(
    uploadKey(period, 'a.xlsx'),
    await simpleWorkbook({ id: 'P1', title: 'Pdf' }, [{ title: 'Något', status: 'Pågående' }]),
  );
  return period;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tertial-pdf-'));
  stack = await startLocalStack({
    dataDir,
    s3Port: 0,
    dynamodbPort: 0,
    log,
    retryDelayMs: 20,
    convertToPdf: converter.convert,
  });
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a PDF conversion that fails', () => {
  it('once: the close succeeds with the Word document, and Lambda’s retry makes the PDF from the stored document', async () => {
    const period = await periodWithUpload();
    converter.failing = true;
    converter.calls = [];
    lines.length = 0;
    // The retry, 20 ms later, finds LibreOffice working again.
    const recovered = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (converter.calls.length >= 1) {
          converter.failing = false;
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    await put(closureKey(period), '');
    await recovered;

    expect((await stack.runtime.repo.getPeriod(period))?.state).toBe('CLOSED');
    expect(await output(documentKey(period))).toBeDefined();
    expect(await output(pdfKey(period))).toEqual(FAKE_PDF);
    expect(converter.calls).toHaveLength(2);
    // Both attempts converted the document as it was published.
    expect(converter.calls[1]).toEqual(await output(documentKey(period)));
    expect(converter.calls[0]).toEqual(converter.calls[1]);
    const receipt = await receiptOf(period);
    expect(receipt).toMatchObject({
      status: 'closed',
      document: documentKey(period),
      pdf: { status: 'written', key: pdfKey(period) },
    });
    expect(stack.failedEvents).toEqual([]);
    // The log has the failure as an error, then the retry's PDF.
    const messages = lines.map((l) => `${l.level}: ${l.message}`);
    expect(messages).toContain('error: pdf not made; the Word document stands, and the event will be retried');
    expect(messages.indexOf('info: pdf written')).toBeGreaterThan(
      messages.indexOf('error: pdf not made; the Word document stands, and the event will be retried'),
    );
    expect(messages.filter((m) => m === 'info: document written')).toHaveLength(1);
  });

  it('every time: the receipt says so, the event ends in the failure queue, and writing the closure again makes the PDF', async () => {
    const period = await periodWithUpload();
    converter.failing = true;
    converter.calls = [];
    await put(closureKey(period), '');

    const failed = await receiptOf(period);
    expect(failed?.status).toBe('closed');
    expect(failed?.document).toBe(documentKey(period));
    expect(failed?.pdf).toMatchObject({ status: 'failed' });
    expect(failed?.pdf?.status === 'failed' && failed.pdf.message).toMatch(/Word-dokumentet är komplett och gäller/);
    expect(failed?.message).toMatch(/PDF-versionen kunde inte skapas/);
    expect(await output(pdfKey(period))).toBeUndefined();
    const document = await output(documentKey(period));
    expect(document).toBeDefined();
    // Three attempts (the first and Lambda's two retries), then the failure queue.
    expect(converter.calls).toHaveLength(3);
    const queued = stack.failedEvents.at(-1);
    expect((queued?.error as Error).cause).toBeInstanceOf(PdfConversionError);

    // An operator replays the event, or a secretary writes the closure again.
    converter.failing = false;
    await put(closureKey(period), '');
    expect(await output(pdfKey(period))).toEqual(FAKE_PDF);
    expect(await output(documentKey(period))).toEqual(document);
    expect((await receiptOf(period))?.pdf).toEqual({ status: 'written', key: pdfKey(period) });

    // And once everything is there, another closure changes nothing.
    const calls = converter.calls.length;
    await put(closureKey(period), '');
    expect(converter.calls).toHaveLength(calls);
  });
});
