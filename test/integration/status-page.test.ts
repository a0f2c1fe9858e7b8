/**
 * The status page in a real browser: the local stack, the web server `tertial local`
 * runs, and Debian's headless Chromium driven by playwright-core. It asserts what a
 * person sees (headings, tables, links, words), follows the link to the draft, closes
 * the tertial and reloads. A screenshot is left in test/artifacts/ (gitignored).
 *
 * No browser is downloaded: the test uses /usr/bin/chromium (apt-get install chromium;
 * .ci/run installs it). Without it the test is skipped, and says so, except in CI.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../cli/web.js';
import type { Period } from '../../lambdas/core/domain.js';
import {
  closureKey,
  configKey,
  draftKey,
  statusPageKey,
  templateKey,
  uploadKey,
  uploadReceiptKey,
} from '../../lambdas/core/keys.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { ACTIVITY_HEADER, buildWorkbook, simpleWorkbook } from '../helpers/workbook.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing; .ci/run installs it (apt-get install chromium)`);
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const period: Period = { committee: 'ks', year: 2023, tertial: 3 };

let stack: TestStack;
let web: WebServer;
let browser: Browser;
let page: Page;
/** Every URL the page asked for: all must be the local server's. */
const requested: string[] = [];

/** A request with the path exactly as given (fetch and browsers would resolve `..` first). */
function rawStatus(path: string, method = 'GET', host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, method, headers: host ? { host } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasChromium)(
  `status page in headless Chromium (skipped only where ${CHROMIUM} is not installed)`,
  () => {
    beforeAll(async () => {
      [stack, browser] = await Promise.all([
        startTestStack(),
        chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        }),
      ]);
      web = await startWebServer({ objects: stack.runtime.objects, bucket: stack.config.documentsBucket, port: 0 });
      const context = await browser.newContext({
        acceptDownloads: true,
        locale: 'sv-SE',
        viewport: { width: 1200, height: 900 },
      });
      page = await context.newPage();
      page.on('request', (request) => requested.push(request.url()));
    });

    afterAll(async () => {
      await browser?.close();
      await web?.close();
      await stack?.dispose();
    });

    it('shows the open tertial: each upload with its outcome and counts, what the report holds, and the draft', async () => {
      await stack.put(
        uploadKey(period, 'aktiviteter.xlsx'),
        await simpleWorkbook({ id: 'KS1', title: 'Ekonomi i balans' }, [
          { title: 'Ta fram budgetprocess', status: 'Genomförd' },
          { title: 'Månadsuppföljning', status: 'Pågående' },
          { title: 'Ny lönemodell', status: 'Pågående' },
        ]),
      );
      await stack.idle();
      await stack.put(
        uploadKey(period, 'fel i status.xlsx'),
        await buildWorkbook({ Aktiviteter: [ACTIVITY_HEADER, ['KS1', 'Något', 'Chef', 'Klar typ', '']] }),
      );
      await stack.idle();
      expect(stack.failedEvents).toEqual([]);

      const response = await page.goto(`${web.url}/${statusPageKey(period)}`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');

      await expect(page.title()).resolves.toMatch(/Kommunstyrelsen, tertial 3 2023/);
      const h1 = page.getByRole('heading', { level: 1 });
      expect(await h1.count()).toBe(1);
      expect(await h1.innerText()).toBe('Kommunstyrelsen: måluppföljning tertial 3 2023');
      expect(await page.getByText('Öppen', { exact: true }).isVisible()).toBe(true);

      const files = page.getByRole('table', { name: /Filer för tertial 3 2023/ });
      const header = await files.getByRole('columnheader').allInnerTexts();
      expect(header).toEqual([
        'Fil',
        'Tidpunkt',
        'Utfall',
        'Ingår i rapporten',
        'Mål',
        'Aktiviteter',
        'Ärendetexter',
        'Fel',
        'Varningar',
        'Kvitto',
      ]);
      const cells = async (name: string) =>
        (
          await files
            .getByRole('row', { name: new RegExp(name) })
            .getByRole('cell')
            .allInnerTexts()
        ).map((t) => t.trim());
      const accepted = await cells('aktiviteter\\.xlsx');
      expect(accepted.slice(1, 8)).toEqual(['✓ Godkänd', 'Ja', '1', '3', '0', '0', '0']);
      expect(accepted[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      const refused = await cells('fel i status\\.xlsx');
      expect(refused.slice(1, 7)).toEqual(['✕ Avvisad', 'Nej', '0', '0', '0', '1']);
      // The row header names the file; the symbol is decoration, the word carries the outcome.
      expect(await files.getByRole('rowheader').allInnerTexts()).toEqual(['aktiviteter.xlsx', 'fel i status.xlsx']);

      const byStatus = page.getByRole('table', { name: 'Aktiviteter per status' });
      const countOf = async (status: string) =>
        (
          await byStatus
            .getByRole('row', { name: new RegExp(`^${status}`) })
            .getByRole('cell')
            .innerText()
        ).trim();
      expect(await countOf('Pågående')).toBe('2');
      expect(await countOf('Genomförd')).toBe('1');
      expect(await countOf('Ej påbörjad')).toBe('0');
      expect(await countOf('Totalt')).toBe('3');
      expect(await page.getByRole('heading', { name: 'Mål utan aktiviteter' }).isVisible()).toBe(true);
      expect(await page.getByText('Alla mål har minst en aktivitet.').isVisible()).toBe(true);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}status-page.png`, fullPage: true });

      // The receipt link, relative to the page, opens the refused file's receipt.
      const receiptLink = page.getByRole('link', { name: 'Kvitto för fel i status.xlsx som JSON' });
      const receiptHref = await receiptLink.getAttribute('href');
      expect(receiptHref).toBe('../../../../receipts/ks/2023/T3/fel%20i%20status.xlsx.json');
      const receipt = await page.request.get(new URL(receiptHref as string, page.url()).href);
      expect(receipt.status()).toBe(200);
      expect((await receipt.json()) as { status: string }).toMatchObject({
        status: 'rejected',
        file: 'fel i status.xlsx',
      });
      expect(await stack.outputJson(uploadReceiptKey(period, 'fel i status.xlsx'))).toEqual(await receipt.json());

      // Following the draft link downloads the draft, which says it is one.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^Utkast \(Word/ }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('ks-maluppfoljning-2023-T3-UTKAST.docx');
      const draft = docxParagraphs(await readFile(await download.path()));
      expect(draft.some((p) => p.startsWith('UTKAST'))).toBe(true);
      expect(draft).toContain('Ny lönemodell');
      expect(await stack.output(draftKey(period))).toBeDefined();
    });

    it('renders the draft again when the committee’s own template is accepted', async () => {
      // Rendering is reproducible, so the same bytes prove nothing: remove the draft and see it come back.
      await stack.runtime.clients.s3.send(
        new DeleteObjectCommand({ Bucket: stack.config.documentsBucket, Key: draftKey(period) }),
      );
      await stack.put(templateKey(period.committee), loadDefaultTemplate());
      await stack.idle();
      await page.reload();
      expect(await page.getByText(/^Mall: nämndens egen mall, godkänd/).isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: 'Kvitto för senast uppladdade mall (JSON)' }).isVisible()).toBe(true);
      expect(await stack.output(draftKey(period))).toBeDefined();
    });

    it('shows the closed tertial after a reload: closed, when, and the final document instead of the draft', async () => {
      await stack.put(closureKey(period), JSON.stringify({ diarienummer: 'KS 2024/12' }));
      // The closing receipt triggers the views function, which rewrites the page.
      await stack.idle();

      await page.reload();
      expect(await page.getByText('Stängd', { exact: true }).isVisible()).toBe(true);
      expect(await page.getByText('Öppen', { exact: true }).count()).toBe(0);
      expect(await page.getByText('KS 2024/12').isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: /^Utkast/ }).count()).toBe(0);
      const documentLink = page.getByRole('link', { name: /^Nämndens dokument \(Word/ });
      const href = await documentLink.getAttribute('href');
      const document = await page.request.get(new URL(href as string, page.url()).href);
      expect(document.status()).toBe(200);
      expect(document.headers()['content-disposition']).toMatch(/attachment/);
      expect(docxParagraphs(await document.body()).some((p) => p.startsWith('UTKAST'))).toBe(false);
      await page.screenshot({ path: `${ARTIFACTS}status-page-closed.png`, fullPage: true });

      // Nothing was fetched from anywhere but the local server.
      expect(requested.filter((url) => !url.startsWith(`${web.url}/`))).toEqual([]);
    });

    it('accepts the upload when the draft cannot be made, and the page says why', async () => {
      const other: Period = { committee: 'bmn', year: 2024, tertial: 1 };
      await stack.put(configKey(other.committee), '{ inte json');
      await stack.put(
        uploadKey(other, 'a.xlsx'),
        await simpleWorkbook({ id: 'B1', title: 'Trygg skola' }, [{ title: 'Kartläggning', status: 'Ej påbörjad' }]),
      );
      await stack.idle();
      expect(stack.failedEvents).toEqual([]);
      expect(await stack.outputJson(uploadReceiptKey(other, 'a.xlsx'))).toMatchObject({ status: 'accepted' });
      expect(await stack.output(draftKey(other))).toBeUndefined();

      await page.goto(`${web.url}/${statusPageKey(other)}`);
      expect(await page.getByText('Öppen', { exact: true }).isVisible()).toBe(true);
      expect(await page.getByText('Utkastet kunde inte uppdateras.').isVisible()).toBe(true);
      expect(
        await page
          .getByText(/config\/bmn\.json/)
          .first()
          .isVisible(),
      ).toBe(true);
    });

    it('lists the status pages at /, and refuses paths outside the bucket', async () => {
      await page.goto(`${web.url}/`);
      await page.getByRole('link', { name: 'ks: tertial 3 2023' }).click();
      expect(page.url()).toBe(`${web.url}/${statusPageKey(period)}`);
      expect(await rawStatus('/receipts/ks/2023/T3/stangning.json')).toBe(200);
      for (const path of [
        '/status/../receipts/ks/2023/T3/stangning.json',
        '/status/%2e%2e/receipts/ks/2023/T3/stangning.json',
        '/receipts%2Fks/2023/T3/stangning.json',
        '/%E0%A4%A',
        '/receipts//ks',
      ]) {
        expect(await rawStatus(path), path).toBe(400);
      }
      expect(await rawStatus('/status/ks/2023/T2/index.html')).toBe(404);
      expect(await rawStatus('/', 'POST')).toBe(405);
      // Only requests addressed to loopback (no DNS rebinding).
      expect(await rawStatus('/', 'GET', `evil.example:${web.port}`)).toBe(421);
    });

    it('names a missing object as text: quotes, apostrophes and <script> in the path are escaped', async () => {
      const response = await fetch(`${web.url}/status/${encodeURIComponent(`a'"<script>x`)}.html`);
      expect(response.status).toBe(404);
      const body = await response.text();
      expect(body).toContain('status/a&#39;&quot;&lt;script&gt;x.html');
      expect(body).not.toMatch(/<script|a'"/);
    });
  },
);
