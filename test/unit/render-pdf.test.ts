/**
 * The LibreOffice converter's contract, with stand-ins for `soffice` (small shell scripts),
 * so that it holds without LibreOffice: its arguments, a profile and HOME of its own per
 * conversion, the timeout, and a clear error when no PDF comes out. The real conversion
 * is checked in test/integration/document.test.ts.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedLibreOffice, libreOfficeConverter, PdfConversionError } from '../../lambdas/assemble/pdf.js';

let dir: string;

async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tertial-soffice-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Function: libreOfficeConverter', () => {
  it('runs soffice headless with a profile and HOME of its own, and returns the PDF it wrote', async () => {
    const log = join(dir, 'args.txt');
    // Records its arguments and HOME, then "converts": the last argument is the input, the one before --outdir's value.
    const soffice = await script(
      'soffice-ok',
      `printf '%s\\n' "$@" > ${log}; echo "HOME=$HOME" >> ${log}
for a in "$@"; do prev="$last"; last="$a"; done
outdir=$(dirname "$last"); printf '%%PDF-1.7 from %s' "$(basename "$last")" > "$outdir/document.pdf"`,
    );
    const pdf = await libreOfficeConverter({ soffice, tmpDir: dir })(new TextEncoder().encode('docx bytes'));
    expect(new TextDecoder().decode(pdf)).toBe('%PDF-1.7 from document.docx');
    const recorded = (await readFile(log, 'utf8')).trim().split('\n');
    const home = recorded.find((a) => a.startsWith('HOME='));
    const args = recorded.filter((a) => a !== home);
    expect(args).toContain('--headless');
    expect(args.find((a) => a.startsWith('-env:UserInstallation=file:///'))).toMatch(/tertial-pdf-[^/]+\/profile$/);
    expect(args[args.indexOf('--convert-to') + 1]).toMatch(/^pdf:writer_pdf_Export:\{.*"UseTaggedPDF":\{"type":"boolean","value":"true"\}.*"PDFUACompliance"/);
    expect(args.at(-1)).toMatch(/tertial-pdf-[^/]+\/document\.docx$/);
    expect(home).toMatch(/tertial-pdf-[^/]+$/);
    // The per-conversion directory is gone afterwards.
    expect((await readdir(dir)).filter((n) => n.startsWith('tertial-pdf-'))).toEqual([]);
  });

  it('fails with the reason when soffice writes no PDF', async () => {
    const soffice = await script('soffice-broken', 'echo "Error: source file could not be loaded" >&2; exit 1');
    const error = await libreOfficeConverter({ soffice, tmpDir: dir })(new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfConversionError);
    expect((error as Error).message).toMatch(/wrote no PDF \(exited with 1\): Error: source file could not be loaded/);
  });

  it('refuses a file that is not a PDF', async () => {
    const soffice = await script('soffice-html', 'for a in "$@"; do last="$a"; done; echo "<html>" > "$(dirname "$last")/document.pdf"');
    await expect(libreOfficeConverter({ soffice, tmpDir: dir })(new Uint8Array([1]))).rejects.toThrow(/not a PDF/);
  });

  it('kills a conversion that hangs, with the processes it started, after the timeout', async () => {
    const pidFile = join(dir, 'child.pid');
    // Like soffice, which starts soffice.bin: a child that would outlive a plain kill.
    const soffice = await script('soffice-hang', `sleep 30 & echo $! > ${pidFile}; wait`);
    const started = Date.now();
    const error = await libreOfficeConverter({ soffice, tmpDir: dir, timeoutMs: 300 })(new Uint8Array([1])).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).message).toMatch(/did not finish within 0.3 s/);
    const child = Number(await readFile(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie waiting for an init that does not reap (as in some containers).
    const state = existsSync(`/proc/${child}/status`) ? /^State:\s+(\S)/m.exec(await readFile(`/proc/${child}/status`, 'utf8'))?.[1] : 'gone';
    expect(['gone', 'Z']).toContain(state);
  });

  it('fails clearly when soffice is not there', async () => {
    await expect(libreOfficeConverter({ soffice: join(dir, 'nowhere') })(new Uint8Array([1]))).rejects.toThrow(PdfConversionError);
  });
});

describe('Function: installedLibreOffice', () => {
  it('is a converter exactly when the binary exists', () => {
    expect(installedLibreOffice(join(dir, 'nowhere'))).toBeUndefined();
    expect(typeof installedLibreOffice(process.execPath)).toBe('function');
    expect(installedLibreOffice() === undefined).toBe(!existsSync('/usr/bin/soffice'));
  });
});
