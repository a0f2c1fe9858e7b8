/**
 * The PDF beside the Word document, made by LibreOffice (`soffice --headless --convert-to
 * pdf`): the reader the agenda systems expect, from the very .docx that was published.
 *
 * Each conversion runs in a directory of its own with its own LibreOffice profile
 * (`-env:UserInstallation`), so conversions may run side by side (two closes at once, or
 * parallel tests) and a crashed one leaves nothing that breaks the next. HOME points there
 * too: on Lambda only /tmp is writable. A conversion that hangs is killed, with its whole
 * process group (soffice starts soffice.bin as a child), after `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Turns a .docx into a PDF; rejects with {@link PdfConversionError}. */
export type PdfConverter = (docx: Uint8Array) => Promise<Uint8Array>;

/** Where Debian's `libreoffice-writer-nogui` puts it, in CI, the local stack and the container image. */
export const DEFAULT_SOFFICE = '/usr/bin/soffice';

export class PdfConversionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfConversionError';
  }
}

export interface LibreOfficeOptions {
  /** The `soffice` binary (default /usr/bin/soffice). */
  readonly soffice?: string;
  /** Default 120 s: a cold LibreOffice takes 2–5 s for a report, a busy machine more. */
  readonly timeoutMs?: number;
  /** Where the per-conversion directories go (default the OS temp dir: /tmp on Lambda). */
  readonly tmpDir?: string;
}

/**
 * PDF export options (LibreOffice's JSON filter syntax): a tagged PDF that declares PDF/UA,
 * so headings, tables with their header rows, reading order and the document language
 * survive for screen readers, and the viewer shows the title rather than the file name.
 */
const PDF_EXPORT = JSON.stringify({
  UseTaggedPDF: { type: 'boolean', value: 'true' },
  PDFUACompliance: { type: 'boolean', value: 'true' },
  DisplayPDFDocumentTitle: { type: 'boolean', value: 'true' },
  ExportBookmarks: { type: 'boolean', value: 'true' },
});

export function libreOfficeConverter(options: LibreOfficeOptions = {}): PdfConverter {
  const soffice = options.soffice ?? DEFAULT_SOFFICE;
  const timeoutMs = options.timeoutMs ?? 120_000;
  return async (docx) => {
    const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'tertial-pdf-'));
    try {
      const input = join(dir, 'document.docx');
      await writeFile(input, docx);
      const args = [
        '--headless',
        '--norestore',
        '--nolockcheck',
        '--nologo',
        '--nodefault',
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--convert-to',
        `pdf:writer_pdf_Export:${PDF_EXPORT}`,
        '--outdir',
        dir,
        input,
      ];
      const { code, signal, output } = await run(soffice, args, { HOME: dir }, timeoutMs);
      let pdf: Buffer;
      try {
        pdf = await readFile(join(dir, 'document.pdf'));
      } catch {
        const how = signal === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
        throw new PdfConversionError(`LibreOffice wrote no PDF (${how}): ${output.trim().slice(-500)}`);
      }
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new PdfConversionError('LibreOffice wrote a file that is not a PDF');
      return new Uint8Array(pdf);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/** LibreOffice at `soffice` if it is installed there, else undefined (no PDF is made). */
export function installedLibreOffice(soffice = DEFAULT_SOFFICE, options: Omit<LibreOfficeOptions, 'soffice'> = {}): PdfConverter | undefined {
  return existsSync(soffice) ? libreOfficeConverter({ ...options, soffice }) : undefined;
}

function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new PdfConversionError(`LibreOffice could not be started (${command}): ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}
