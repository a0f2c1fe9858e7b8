/**
 * The pages signed in, in headless Chromium against the local stack: a `ks` staff member
 * signs in, uploads a workbook from the status page (a presigned POST straight to the
 * local S3 port) and sees its receipt; is refused the `bun` page, its upload and its
 * receipts; the `ks` secretary closes the tertial from the page and opens the document.
 * The rule is `lambdas/core/access.ts`, the same the web function applies on AWS.
 *
 * Uses /usr/bin/chromium (apt-get install chromium; .ci/run installs it), no download.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWebServer } from '../../cli/local-command.js';
import type { WebServer } from '../../cli/web.js';
import type { Period } from '../../lambdas/core/domain.js';
import { documentKey, statusPageKey, uploadKey, uploadReceiptKey } from '../../lambdas/core/keys.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { ACTIVITY_HEADER, buildWorkbook, GOAL_HEADER, simpleWorkbook } from '../helpers/workbook.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing; .ci/run installs it (apt-get install chromium)`);

const ks: Period = { committee: 'ks', year: 2024, tertial: 1 };
const bun: Period = { committee: 'bun', year: 2024, tertial: 1 };
const USERS = [
  { name: 'anna', groups: ['ks-staff'] },
  { name: 'sara', groups: ['ks-secretary'] },
  { name: 'bo', groups: ['bun-staff'] },
];

let stack: TestStack;
let web: WebServer;
/** One fresh profile (a persistent context on a new --user-data-dir); each sign-in starts without cookies. */
let browser: BrowserContext;
let userDataDir: string;

async function signIn(user: string, path: string): Promise<{ context: { close(): Promise<void> }; page: Page }> {
  await browser.clearCookies();
  const page = await browser.newPage();
  const context = { close: () => page.close() };
  await page.goto(`${web.url}${path}`);
  // Signed out, every page leads to the sign-in form first.
  expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
  await page.getByLabel('Användare').selectOption(user);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${web.url}${path}`);
  return { context, page };
}

describe.skipIf(!hasChromium)(
  `signed-in pages in headless Chromium (skipped only where ${CHROMIUM} is not installed)`,
  () => {
    beforeAll(async () => {
      userDataDir = await mkdtemp(join(tmpdir(), 'tertial-chromium-'));
      [stack, browser] = await Promise.all([
        startTestStack(),
        chromium.launchPersistentContext(userDataDir, {
          executablePath: CHROMIUM,
          acceptDownloads: true,
          locale: 'sv-SE',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        }),
      ]);
      web = await startLocalWebServer(stack, { port: 0, users: USERS });
      // Each committee has a status page to start from.
      await stack.put(
        uploadKey(ks, 'mål.xlsx'),
        await simpleWorkbook({ id: 'KS1', title: 'Ekonomi i balans' }, [
          { title: 'Budgetprocess', status: 'Pågående' },
        ]),
      );
      await stack.put(
        uploadKey(bun, 'mål.xlsx'),
        await simpleWorkbook({ id: 'B1', title: 'Trygg skola' }, [{ title: 'Kartläggning', status: 'Pågående' }]),
      );
      await stack.idle();
    });

    afterAll(async () => {
      await browser?.close();
      await web?.close();
      await stack?.dispose();
      if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    });

    it('a ks staff member signs in, uploads a workbook from the page and sees its receipt', async () => {
      const { context, page } = await signIn('anna', `/${statusPageKey(ks)}`);
      const actions = page.locator('#tertial-actions');
      await expect(actions.getByRole('heading', { name: 'Ladda upp en fil' }).waitFor()).resolves.toBeUndefined();
      expect(await actions.getByText('Inloggad som anna.').isVisible()).toBe(true);
      // Staff upload; only the secretary closes.
      expect(await actions.getByRole('heading', { name: 'Stäng tertialen' }).count()).toBe(0);

      // A column the reader does not know: accepted, with a warning the page must show.
      const workbook = await buildWorkbook({
        Mål: [GOAL_HEADER, ['KS2', 'Hållbar stad', 'Delvis uppfyllt', 'Motivering.', 'Hållbar gemenskap']],
        Aktiviteter: [
          [...ACTIVITY_HEADER, 'Budget'],
          ['KS2', 'Solceller på skolor', 'Kommunchef', 'Genomförd', '', '100'],
          ['KS2', 'Cykelvägar', 'Kommunchef', 'Pågående', '', '200'],
        ],
      });
      await page
        .getByLabel('Fil att ladda upp')
        .setInputFiles({ name: 'stad.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from(workbook) });
      const result = page.locator('#upload-result');
      await result.getByText('✓ Mottagen').waitFor({ timeout: 30_000 });
      expect(await result.innerText()).toMatch(/2 aktiviteter|aktiviteter/);
      expect(await result.getByRole('heading', { name: 'Varning' }).isVisible()).toBe(true);
      expect(await result.locator('.warning').innerText()).toMatch(/"Budget".*känns inte igen/);
      expect(await stack.outputJson(uploadReceiptKey(ks, 'stad.xlsx'))).toMatchObject({
        status: 'accepted',
        file: 'stad.xlsx',
      });

      await result.getByRole('link', { name: 'Öppna kvittot' }).click();
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Kvitto för stad.xlsx');
      await context.close();
    });

    it('the ks staff member is refused the bun page, its receipts, its upload, and sees only ks in the index', async () => {
      const { context, page } = await signIn('anna', '/');
      expect(await page.getByRole('link', { name: /^ks: tertial 1 2024/ }).isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: /bun/ }).count()).toBe(0);

      const refused = await page.goto(`${web.url}/${statusPageKey(bun)}`);
      expect(refused?.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Ingen behörighet');
      expect(await page.content()).not.toContain('Trygg skola');
      const receipt = await page.request.get(
        `${web.url}/${uploadReceiptKey(bun, 'mål.xlsx').split('/').map(encodeURIComponent).join('/')}`,
      );
      expect(receipt.status()).toBe(403);

      const presign = await page.request.get(
        `${web.url}/api/presign?kind=upload&committee=bun&year=2024&tertial=1&name=a.xlsx`,
      );
      expect(presign.status()).toBe(403);
      expect(await presign.json()).toMatchObject({ code: 'not_member' });
      const close = await page.request.get(`${web.url}/api/presign?kind=close&committee=ks&year=2024&tertial=1`);
      expect(close.status()).toBe(403);
      expect(await close.json()).toMatchObject({ code: 'not_secretary' });
      await context.close();
    });

    it('signed out, the pages and the presign endpoint let nobody in', async () => {
      await browser.clearCookies();
      const context = browser;
      const api = await context.request.get(
        `${web.url}/api/presign?kind=upload&committee=ks&year=2024&tertial=1&name=a.xlsx`,
      );
      expect(api.status()).toBe(401);
      const page = await context.request.get(`${web.url}/${statusPageKey(ks)}`, { maxRedirects: 0 });
      expect(page.status()).toBe(303);
      expect(page.headers().location).toBe(`/auth/sign-in?next=${encodeURIComponent(`/${statusPageKey(ks)}`)}`);
    });

    it('the ks secretary closes the tertial from the page and opens the document', async () => {
      const { context, page } = await signIn('sara', `/${statusPageKey(ks)}`);
      const actions = page.locator('#tertial-actions');
      await actions.getByRole('heading', { name: 'Stäng tertialen' }).waitFor();
      await page.getByLabel('Sammanträdesdatum').fill('2024-05-14');
      await page.getByLabel('Diarienummer').fill('KS 2024/77');
      await actions.getByRole('button', { name: 'Stäng tertialen' }).click();
      const result = page.locator('#close-result');
      await result.getByText('✓ Stängd').waitFor({ timeout: 60_000 });
      // The closure receipt's page, as after an upload: linked from the result, served to the secretary.
      const receiptHref = await result.getByRole('link', { name: 'Öppna kvittot' }).getAttribute('href');
      expect(receiptHref).toMatch(/\/receipts\/ks\/2024\/T1\/stangning\.html$/);
      const receiptPage = await page.request.get(new URL(receiptHref as string, page.url()).href);
      expect(receiptPage.status()).toBe(200);
      expect(await receiptPage.text()).toMatch(/<h1>Stängning av ks 2024-T1 för [^<]+<\/h1>/);

      await page.reload();
      expect(await page.getByText('Stängd', { exact: true }).isVisible()).toBe(true);
      expect(await page.getByText('KS 2024/77').isVisible()).toBe(true);
      await actions.getByText('Tertialen är stängd; inga filer tas emot.').waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^Nämndens dokument \(Word/ }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('ks-maluppfoljning-2024-T1.docx');
      const paragraphs = docxParagraphs(await readFile(await download.path()));
      expect(paragraphs).toContain('Solceller på skolor');
      expect(await stack.output(documentKey(ks))).toBeDefined();
      expect(stack.failedEvents).toEqual([]);
      await context.close();
    });
  },
);
