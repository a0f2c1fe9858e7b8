/**
 * The PDF beside the Word document, made by LibreOffice: the reader the agenda systems
 * expect, from the very .docx that was published.
 *
 * LibreOffice is kept warm: one headless instance per process (the local stack, the
 * assemble container), started on first use or by `warm()`, and every conversion is
 * handed to it over UNO by a small worker in Debian's Python (python3-uno), which loads
 * the document hidden and read-only and stores it with the PDF export filter. A cold
 * start per conversion cost 2–5 s; a warm conversion of the example report well under
 * one (`npm run bench`, close → PDF). Conversions run one at a time through the instance.
 *
 * Each conversion is bounded (`timeoutMs`): one that hangs is killed with the instance's
 * whole process group (the worker, soffice and soffice.bin), and the next conversion
 * starts a fresh instance; so does a conversion after the instance crashed. The instance
 * ends when the process that started it ends (the worker reads its requests from its
 * standard input and stops LibreOffice when that closes) or on `close()`.
 *
 * The conversion cannot reach outside the document (a template may link an image at
 * `http://…` or `file:///…`; the template check refuses those, and this holds even if
 * one slipped through):
 * - the instance's profile, written before it starts, blocks content linked from
 *   untrusted locations (`BlockUntrustedRefererLinks`), never updates links or fields
 *   on load, runs no macros, and sends any HTTP(S) request to a proxy at a port nobody
 *   listens on;
 * - documents are loaded with `UpdateDocMode` NO_UPDATE and macros off;
 * - where the platform allows it (Linux with user namespaces: the local stack on a
 *   developer's machine or CI), the instance runs in a network namespace of its own,
 *   with no network at all. Lambda allows no namespaces; there the function's network
 *   is what the deployment gives it (README, "The committee document and its PDF").
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { TertialError } from '../core/errors.js';

/** Turns a .docx into a PDF; rejects with {@link PdfConversionError}. */
export type PdfConverter = (docx: Uint8Array) => Promise<Uint8Array>;

/** A converter that keeps LibreOffice running between conversions. */
export interface WarmPdfConverter extends PdfConverter {
  /** Starts the instance now (if none is running), so the first conversion finds it warm. */
  warm(): void;
  /** Stops the instance; a later conversion starts a new one. */
  close(): Promise<void>;
}

/** Where Debian's `libreoffice-writer-nogui` puts it, in CI, the local stack and the container image. */
export const DEFAULT_SOFFICE = '/usr/bin/soffice';
/** Debian's Python, which has python3-uno (a Python from elsewhere on PATH has not). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** A conversion's bound. A warm conversion of a report takes about a second; a busy machine and a first start more. */
export const PDF_TIMEOUT_MS = 120_000;
/** How long a new instance may take to accept conversions (a cold LibreOffice: 2–5 s, more when the machine is busy). */
export const OFFICE_START_TIMEOUT_MS = 60_000;
/**
 * How long `close()` lets LibreOffice quit by itself (well under a second) before its
 * processes are killed: a LibreOffice that quits removes the pipes it made in /tmp, one
 * that is killed leaves them there.
 */
export const OFFICE_STOP_GRACE_MS = 5_000;

export class PdfConversionError extends TertialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('pdf_conversion', message, options);
    this.name = 'PdfConversionError';
  }
}

export interface LibreOfficeOptions {
  /** The `soffice` binary (default /usr/bin/soffice). */
  readonly soffice?: string;
  /** The Python that runs the UNO worker (default /usr/bin/python3). */
  readonly python?: string;
  /** Bound of one conversion (default {@link PDF_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Bound of an instance's start (default {@link OFFICE_START_TIMEOUT_MS}). */
  readonly startTimeoutMs?: number;
  /** Where the instance's profile and the per-conversion directories go (default the OS temp dir: /tmp on Lambda). */
  readonly tmpDir?: string;
  /** Run the instance without network where the platform allows it (default true). */
  readonly isolateNetwork?: boolean;
}

/**
 * PDF export options: a tagged PDF that declares PDF/UA, so headings, tables with their
 * header rows, reading order and the document language survive for screen readers, and
 * the viewer shows the title rather than the file name.
 */
export const PDF_EXPORT: Readonly<Record<string, boolean>> = {
  UseTaggedPDF: true,
  PDFUACompliance: true,
  DisplayPDFDocumentTitle: true,
  ExportBookmarks: true,
};

/**
 * The instance's settings (registrymodifications.xcu in its profile): nothing linked from
 * outside the document is loaded, links and fields are not updated on load, no macro
 * runs, and HTTP(S) goes to a proxy on a port nobody listens on (the discard port).
 */
export const OFFICE_PROFILE_SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableActiveContent" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Field" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Chart" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetProxyType" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop></item>
</oor:items>
`;

/**
 * The UNO worker (run as `python3 -c`): starts soffice listening on a pipe of its own,
 * connects, answers `ready`, then converts one request per line of its standard input
 * (`{"input", "output", "filterData"}`) and answers one line each (`{"ok"}` or
 * `{"ok": false, "error"}`). Standard input closing stops LibreOffice and the worker.
 */
const WORKER = String.raw`
import json, os, shutil, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p

soffice, profile, pipe, start_timeout, instance_dir = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
office = subprocess.Popen([soffice, '--headless', '--invisible', '--norestore', '--nologo', '--nodefault', '--nolockcheck',
    '-env:UserInstallation=' + profile, '--accept=pipe,name=' + pipe + ';urp;StarOffice.ComponentContext'],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sys.stderr)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
deadline = time.monotonic() + start_timeout
while True:
    try:
        context = resolver.resolve('uno:pipe,name=' + pipe + ';urp;StarOffice.ComponentContext')
        break
    except NoConnectException:
        if office.poll() is not None:
            sys.exit('soffice exited with %s before accepting conversions' % office.returncode)
        if time.monotonic() > deadline:
            sys.exit('soffice did not accept conversions within %s s' % start_timeout)
        time.sleep(0.05)
desktop = context.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', context)
# UpdateDocMode 0: NO_UPDATE (no links, no fields refreshed on load); MacroExecutionMode 0: NEVER_EXECUTE.
load = (prop('Hidden', True), prop('ReadOnly', True), prop('UpdateDocMode', 0), prop('MacroExecutionMode', 0))
print(json.dumps({'ready': True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request['input']), '_blank', 0, load)
        if doc is None:
            raise RuntimeError('LibreOffice could not load the document')
        try:
            data = tuple(prop(k, v) for k, v in request['filterData'].items())
            doc.storeToURL(uno.systemPathToFileUrl(request['output']), (prop('FilterName', 'writer_pdf_Export'), prop('FilterData', uno.Any('[]com.sun.star.beans.PropertyValue', data))))
        finally:
            doc.close(True)
        reply = {'ok': True}
    except Exception as e:
        reply = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
    print(json.dumps(reply), flush=True)
# Standard input closed: LibreOffice quits (and removes its pipes from /tmp), then the
# instance's directory goes, also when the process that started it ended without close().
try:
    desktop.terminate()
except Exception:
    pass
try:
    office.wait(10)
except subprocess.TimeoutExpired:
    office.kill()
shutil.rmtree(instance_dir, ignore_errors=True)
`;

type Worker = ChildProcessByStdio<Writable, Readable, Readable>;

interface Instance {
  readonly worker: Worker;
  readonly dir: string;
  /** Resolves with each reply line, in order. */
  readonly replies: AsyncIterator<string>;
  /** The worker's last output on stderr, for error messages. */
  readonly stderr: () => string;
  /** Settles when the worker has exited. */
  readonly exited: Promise<void>;
  /** The pipe LibreOffice listens on, as a file in /tmp (removed here if LibreOffice was killed). */
  readonly pipeFile: string;
}

/**
 * A converter with one warm LibreOffice instance behind it. Conversions wait for each
 * other; each is bounded by `timeoutMs`.
 */
export function libreOfficeConverter(options: LibreOfficeOptions = {}): WarmPdfConverter {
  const soffice = options.soffice ?? DEFAULT_SOFFICE;
  const python = options.python ?? DEFAULT_PYTHON;
  const timeoutMs = options.timeoutMs ?? PDF_TIMEOUT_MS;
  const startTimeoutMs = options.startTimeoutMs ?? OFFICE_START_TIMEOUT_MS;
  const base = options.tmpDir ?? tmpdir();
  const isolate = (options.isolateNetwork ?? true) && networkNamespacesWork();

  let instance: Promise<Instance> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const start = async (): Promise<Instance> => {
    const dir = await mkdtemp(join(base, 'tertial-office-'));
    const profile = join(dir, 'profile');
    await mkdir(join(profile, 'user'), { recursive: true });
    await writeFile(join(profile, 'user', 'registrymodifications.xcu'), OFFICE_PROFILE_SETTINGS);
    const pipe = `tertial-${process.pid}-${dir.slice(-6).replace(/[^A-Za-z0-9]/g, '')}`;
    const args = ['-c', WORKER, soffice, pathToFileURL(profile).href, pipe, String(startTimeoutMs / 1000), dir];
    // LibreOffice names the file after the user id it sees: root inside the network namespace.
    const pipeFile = join('/tmp', `OSL_PIPE_${isolate ? 0 : (process.getuid?.() ?? 0)}_${pipe}`);
    const [command, commandArgs] = isolate
      ? ['unshare', ['--net', '--map-root-user', python, ...args]]
      : [python, args];
    // HOME in the instance's directory: on Lambda only /tmp is writable.
    const worker = spawn(command, commandArgs, {
      env: { ...process.env, HOME: dir },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    }) as Worker;
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => {
      worker.once('close', () => resolve());
      worker.once('error', (error) => {
        stderr += `\n${error.message}`;
        resolve();
      });
    });
    // A worker that has gone takes no more requests; writing to it must not crash the process.
    worker.stdin.on('error', () => {});
    const replies = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
    const started: Instance = { worker, dir, replies, stderr: () => stderr.trim().slice(-500), exited, pipeFile };
    const ready = await bounded(replies.next(), startTimeoutMs, exited);
    if (ready === 'timeout' || ready === 'exited' || ready.done) {
      await stop(started);
      const how = ready === 'timeout' ? `did not start within ${startTimeoutMs / 1000} s` : 'stopped while starting';
      throw new PdfConversionError(`LibreOffice ${how}: ${started.stderr()}`);
    }
    return started;
  };

  /** Ends an instance: `graceful` lets LibreOffice quit first (close), otherwise it is killed at once (a hang, a crash). */
  const stop = async (i: Instance, graceful = false): Promise<void> => {
    if (graceful) {
      i.worker.stdin.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([i.exited, new Promise((resolve) => (timer = setTimeout(resolve, OFFICE_STOP_GRACE_MS)))]);
      clearTimeout(timer);
    }
    try {
      process.kill(-(i.worker.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
    await i.exited;
    await rm(i.dir, { recursive: true, force: true });
    await rm(i.pipeFile, { force: true });
  };

  const running = (): Promise<Instance> => {
    instance ??= start().catch((error: unknown) => {
      instance = undefined;
      throw error instanceof PdfConversionError
        ? error
        : new PdfConversionError(`LibreOffice could not be started: ${String(error)}`, { cause: error });
    });
    return instance;
  };

  /** Ends the instance (after a timeout or crash), so that the next conversion starts a fresh one. */
  const discard = async (i: Instance): Promise<void> => {
    if (instance && (await instance.catch(() => undefined)) === i) instance = undefined;
    await stop(i);
  };

  const convertOnce = async (docx: Uint8Array): Promise<Uint8Array> => {
    const i = await running();
    const dir = await mkdtemp(join(base, 'tertial-pdf-'));
    try {
      const input = join(dir, 'document.docx');
      const output = join(dir, 'document.pdf');
      await writeFile(input, docx);
      i.worker.stdin.write(`${JSON.stringify({ input, output, filterData: PDF_EXPORT })}\n`);
      const reply = await bounded(i.replies.next(), timeoutMs, i.exited);
      if (reply === 'timeout') {
        await discard(i);
        throw new PdfConversionError(
          `LibreOffice did not finish within ${timeoutMs / 1000} s; it was stopped and the next conversion starts a new one`,
        );
      }
      if (reply === 'exited' || reply.done) {
        await discard(i);
        throw new PdfConversionError(`LibreOffice stopped during the conversion: ${i.stderr()}`);
      }
      const answer = JSON.parse(reply.value) as { ok: boolean; error?: string };
      if (!answer.ok) throw new PdfConversionError(`LibreOffice wrote no PDF: ${answer.error ?? 'no reason given'}`);
      let pdf: Buffer;
      try {
        pdf = await readFile(output);
      } catch {
        throw new PdfConversionError('LibreOffice wrote no PDF (it reported success)');
      }
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-')
        throw new PdfConversionError('LibreOffice wrote a file that is not a PDF');
      return new Uint8Array(pdf);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  const convert = ((docx: Uint8Array): Promise<Uint8Array> => {
    const result = queue.then(() => convertOnce(docx));
    queue = result.catch(() => undefined);
    return result;
  }) as WarmPdfConverter;
  convert.warm = () => {
    // A failed start is reported by the conversion that needs the instance.
    running().catch(() => undefined);
  };
  convert.close = async () => {
    const current = instance;
    instance = undefined;
    const i = await current?.catch(() => undefined);
    if (i) await stop(i, true);
  };
  return convert;
}

/** The step's result, or `timeout`, or `exited` when the worker ends first. */
async function bounded<T>(step: Promise<T>, ms: number, exited: Promise<void>): Promise<T | 'timeout' | 'exited'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      step,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
      }),
      // A reply already written wins over the exit that follows it.
      exited.then(() => new Promise<'exited'>((resolve) => setTimeout(() => resolve('exited'), 50))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let namespaces: boolean | undefined;

/** Whether this machine lets an unprivileged process make a network namespace of its own (Linux user namespaces). */
export function networkNamespacesWork(): boolean {
  namespaces ??=
    spawnSync('unshare', ['--net', '--map-root-user', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return namespaces;
}

/** LibreOffice at `soffice` if it and the UNO worker's Python are installed, else undefined (no PDF is made). */
export function installedLibreOffice(
  soffice = DEFAULT_SOFFICE,
  options: Omit<LibreOfficeOptions, 'soffice'> = {},
): WarmPdfConverter | undefined {
  return existsSync(soffice) && existsSync(options.python ?? DEFAULT_PYTHON)
    ? libreOfficeConverter({ ...options, soffice })
    : undefined;
}
