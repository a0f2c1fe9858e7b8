/**
 * The warm LibreOffice converter's contract, with stand-ins for the UNO worker (small
 * shell scripts speaking its line protocol), so that it holds without LibreOffice: one
 * instance for many conversions, a profile that loads nothing from outside the document,
 * each conversion bounded (a hang kills the instance's whole process group and the next
 * conversion starts a fresh one), a crash answered the same way, and clear errors. The
 * real conversion is checked in test/integration/pdf-converter.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installedLibreOffice,
  libreOfficeConverter,
  PdfConversionError,
  type WarmPdfConverter,
} from '../../lambdas/assemble/pdf.js';

let dir: string;
const open: WarmPdfConverter[] = [];

/**
 * A stand-in for `python3 -c WORKER soffice profile pipe timeout`: records its arguments
 * and pid, answers ready, then handles each request line with `body` (the request in $line).
 */
async function worker(name: string, body: string, ready = 'echo \'{"ready":true}\''): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    `#!/bin/sh
printf '%s\\0' "$@" > ${join(dir, `${name}.args`)}; echo $$ >> ${join(dir, `${name}.pids`)}
${ready}
while read -r line; do
  output=$(printf '%s' "$line" | sed 's/.*"output":"\\([^"]*\\)".*/\\1/')
  ${body}
done
`,
  );
  await chmod(path, 0o755);
  return path;
}

function converter(python: string, options: { timeoutMs?: number; startTimeoutMs?: number } = {}): WarmPdfConverter {
  const c = libreOfficeConverter({ python, soffice: '/bin/true', tmpDir: dir, isolateNetwork: false, ...options });
  open.push(c);
  return c;
}

const writesPdf = `printf '%%PDF-1.7 stand-in' > "$output"; echo '{"ok":true}'`;

async function pids(name: string): Promise<number[]> {
  return (await readFile(join(dir, `${name}.pids`), 'utf8')).trim().split('\n').map(Number);
}

function gone(pid: number): boolean {
  // Gone, or a zombie waiting for an init that does not reap (as in some containers).
  if (!existsSync(`/proc/${pid}/status`)) return true;
  return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tertial-office-test-'));
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('Function: libreOfficeConverter', () => {
  it('starts one instance with a profile of its own and hands it every conversion', async () => {
    const python = await worker('ok', writesPdf);
    const convert = converter(python);
    for (let i = 0; i < 3; i++)
      expect(new TextDecoder().decode(await convert(new TextEncoder().encode('docx')))).toBe('%PDF-1.7 stand-in');
    expect(await pids('ok')).toHaveLength(1);
    const args = (await readFile(join(dir, 'ok.args'), 'utf8')).split('\0');
    expect(args[0]).toBe('-c');
    expect(args[1]).toContain('import uno');
    expect(args[2]).toBe('/bin/true');
    expect(args[3]).toMatch(/^file:\/\/\/.*tertial-office-[^/]+\/profile$/);
    // The per-conversion directories are gone afterwards; the instance's stays while it runs.
    expect((await readdir(dir)).filter((n) => n.startsWith('tertial-pdf-'))).toEqual([]);
    await convert.close();
    expect((await readdir(dir)).filter((n) => n.startsWith('tertial-office-') && !n.includes('test'))).toEqual([]);
  });

  it('writes a profile that blocks linked content, link and field updates, macros, and any HTTP(S) on the way', async () => {
    const python = await worker('profile', writesPdf);
    const convert = converter(python);
    await convert(new Uint8Array([1]));
    const profile = (await readFile(join(dir, 'profile.args'), 'utf8')).split('\0')[3] as string;
    const xcu = await readFile(join(new URL(profile).pathname, 'user', 'registrymodifications.xcu'), 'utf8');
    expect(xcu).toContain('<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>');
    expect(xcu).toContain('<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>');
    expect(xcu).toMatch(/Writer\/Content\/Update"><prop oor:name="Link" oor:op="fuse"><value>2</);
    expect(xcu).toMatch(/ooInetHTTPProxyPort" oor:op="fuse"><value>9</);
  });

  it('fails with the reason when the instance writes no PDF, and keeps the instance', async () => {
    const python = await worker('refuses', `echo '{"ok":false,"error":"IOException: could not load"}'`);
    const convert = converter(python);
    const error = await convert(new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfConversionError);
    expect((error as Error).message).toBe('LibreOffice wrote no PDF: IOException: could not load');
    await convert(new Uint8Array([1])).catch(() => undefined);
    expect(await pids('refuses')).toHaveLength(1);
  });

  it('refuses a file that is not a PDF', async () => {
    const python = await worker('html', `echo '<html>' > "$output"; echo '{"ok":true}'`);
    await expect(converter(python)(new Uint8Array([1]))).rejects.toThrow(/not a PDF/);
  });

  it('kills a conversion that hangs, with the processes the instance started, and starts a fresh instance for the next', async () => {
    const childFile = join(dir, 'hang.child');
    // Like soffice, which starts soffice.bin: a child that would outlive a plain kill. The first instance hangs.
    const python = await worker(
      'hang',
      `if [ ! -f ${childFile} ]; then sleep 30 & echo $! > ${childFile}; wait; fi; ${writesPdf}`,
    );
    const convert = converter(python, { timeoutMs: 300 });
    const started = Date.now();
    const error = await convert(new Uint8Array([1])).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).message).toMatch(
      /did not finish within 0.3 s; it was stopped and the next conversion starts a new one/,
    );
    const [first] = await pids('hang');
    const child = Number(await readFile(childFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(gone(first as number)).toBe(true);
    expect(gone(child)).toBe(true);
    expect(new TextDecoder().decode(await convert(new Uint8Array([1])))).toBe('%PDF-1.7 stand-in');
    expect(await pids('hang')).toHaveLength(2);
  });

  it('answers a crash during a conversion with an error, and the next conversion with a fresh instance', async () => {
    const marker = join(dir, 'crash.once');
    const python = await worker(
      'crash',
      `if [ ! -f ${marker} ]; then touch ${marker}; echo 'soffice.bin crashed' >&2; exit 139; fi; ${writesPdf}`,
    );
    const convert = converter(python);
    await expect(convert(new Uint8Array([1]))).rejects.toThrow(
      /LibreOffice stopped during the conversion: soffice.bin crashed/,
    );
    expect(new TextDecoder().decode(await convert(new Uint8Array([1])))).toBe('%PDF-1.7 stand-in');
    expect(await pids('crash')).toHaveLength(2);
  });

  it('bounds the start, and fails clearly when the instance cannot start', async () => {
    const silent = await worker('silent', writesPdf, 'sleep 30');
    await expect(converter(silent, { startTimeoutMs: 300 })(new Uint8Array([1]))).rejects.toThrow(
      /LibreOffice did not start within 0.3 s/,
    );
    await expect(converter(join(dir, 'nowhere'))(new Uint8Array([1]))).rejects.toThrow(PdfConversionError);
  });
});

describe('Function: installedLibreOffice', () => {
  it('is a converter exactly when soffice and the worker’s Python exist', () => {
    expect(installedLibreOffice(join(dir, 'nowhere'))).toBeUndefined();
    expect(installedLibreOffice(process.execPath, { python: join(dir, 'nowhere') })).toBeUndefined();
    expect(typeof installedLibreOffice(process.execPath, { python: process.execPath })).toBe('function');
    expect(installedLibreOffice() === undefined).toBe(
      !existsSync('/usr/bin/soffice') || !existsSync('/usr/bin/python3'),
    );
  });
});
