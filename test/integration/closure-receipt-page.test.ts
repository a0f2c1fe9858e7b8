/**
 * The closure receipt as a page, like an upload's: written beside the JSON whenever the
 * close writes a receipt (closed or refused), and for a reopening; it escapes the names
 * that come from the committee's settings and the staff's files, links the document
 * relative to itself, and the status page links it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../../lambdas/core/domain.js';
import {
  closureKey,
  closureReceiptHtmlKey,
  closureReceiptKey,
  configKey,
  documentKey,
  reopeningKey,
  reopeningReceiptHtmlKey,
  statusPageKey,
  uploadKey,
} from '../../lambdas/core/keys.js';
import type { ClosureReceipt } from '../../lambdas/core/receipt.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.dispose();
});

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** A display name and a file name that would break out of element content and attributes alike. */
const HOSTILE_NAME = `Nämnd <script>alert(1)</script> "x' & co`;
const HOSTILE_NAME_ESCAPED = 'Nämnd &lt;script&gt;alert(1)&lt;/script&gt; &quot;x&#39; &amp; co';
const HOSTILE_FILE = `Mål <b> "och" & 'plan'.xlsx`;
const HOSTILE_FILE_ESCAPED = 'Mål &lt;b&gt; &quot;och&quot; &amp; &#39;plan&#39;.xlsx';

describe('the closure receipt page', () => {
  it('is written beside the JSON of a refused close, says why, and the status page links it', async () => {
    const period: Period = { committee: 'ks', year: 2031, tertial: 1 };
    await stack.put(closureKey(period), '');
    await stack.idle();
    expect((await stack.outputJson<ClosureReceipt>(closureReceiptKey(period)))?.status).toBe('rejected');
    const page = text(await stack.output(closureReceiptHtmlKey(period)));
    expect(page).toContain('<html lang="sv"');
    expect(page).toContain('Inte stängd');
    expect(page).toContain('(empty_period)');
    const status = text(await stack.output(statusPageKey(period)));
    expect(status).toContain(
      '<a href="../../../../receipts/ks/2031/T1/stangning.html">Kvitto för stängningsförsöket</a>',
    );
  });

  it('of a refused close names the committee by its settings when they loaded (the closure body is what is wrong)', async () => {
    const period: Period = { committee: 'ns', year: 2031, tertial: 1 };
    await stack.put(configKey(period.committee), JSON.stringify({ displayName: 'Norra samhällsnämnden' }));
    await stack.put(closureKey(period), '{"meetingDate": ');
    await stack.idle();
    expect((await stack.outputJson<ClosureReceipt>(closureReceiptKey(period)))?.status).toBe('rejected');
    const page = text(await stack.output(closureReceiptHtmlKey(period))) ?? '';
    expect(page).toContain('<dt>Nämnd</dt><dd>Norra samhällsnämnden</dd>');
  });

  it('is written after a close: the committee’s name and the file names escaped, the document and PDF linked', async () => {
    const period: Period = { committee: 'rk', year: 2031, tertial: 1 };
    await stack.put(configKey(period.committee), JSON.stringify({ displayName: HOSTILE_NAME }));
    await stack.put(
      uploadKey(period, HOSTILE_FILE),
      await simpleWorkbook({ id: 'RK1', title: 'Trygg kommun' }, [{ title: 'Belysning', status: 'Pågående' }]),
    );
    await stack.idle();
    await stack.put(closureKey(period), '');
    await stack.idle();
    const receipt = await stack.outputJson<ClosureReceipt>(closureReceiptKey(period));
    expect(receipt?.status).toBe('closed');
    const page = text(await stack.output(closureReceiptHtmlKey(period))) ?? '';
    expect(page).toContain('Stängd');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<b>');
    expect(page).toContain(`<dt>Nämnd</dt><dd>${HOSTILE_NAME_ESCAPED}</dd>`);
    expect(page).toContain(`<li>${HOSTILE_FILE_ESCAPED}</li>`);
    expect(page).toContain(`<a href="../../../../${documentKey(period)}">`);
    if (receipt?.pdf?.status === 'written') expect(page).toContain(`<a href="../../../../${receipt.pdf.key}">`);
    // The link resolves, from the page's own folder, to the document that was written.
    const href = /<dt>Dokument \(Word\)<\/dt><dd><a href="([^"]+)"/.exec(page)?.[1] ?? '';
    const resolved = new URL(href, `http://bucket/${closureReceiptHtmlKey(period)}`).pathname.slice(1);
    expect(decodeURIComponent(resolved)).toBe(documentKey(period));
    expect(await stack.output(resolved)).toBeDefined();

    const status = text(await stack.output(statusPageKey(period)));
    expect(status).toContain('<a href="../../../../receipts/rk/2031/T1/stangning.html">Kvitto för stängningen</a>');

    // A reopening's receipt gets its page too.
    await stack.put(reopeningKey(period), '');
    await stack.idle();
    const reopened = text(await stack.output(reopeningReceiptHtmlKey(period)));
    expect(reopened).toContain('Öppen igen');
    expect(reopened).toContain(`<a href="../../../../${documentKey(period)}">`);
    // The status page, open again, says so and links that receipt.
    const reopenedStatus = text(await stack.output(statusPageKey(period)));
    expect(reopenedStatus).toContain('Tertialen öppnades igen');
    expect(reopenedStatus).toContain(
      `<a href="../../../../${reopeningReceiptHtmlKey(period)}">Kvitto för öppningen</a>`,
    );
  }, 120_000);
});
