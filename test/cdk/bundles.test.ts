/**
 * The handlers' bundles, built with the stack's esbuild options (cdk/bundling.ts): each
 * within its size, without the packages it must not carry, and pizzip running on
 * node:zlib where the bundles replace pako (cdk/pako-zlib/).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import PizZip from 'pizzip';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, HANDLER_ENTRIES, MAX_BUNDLE_BYTES, type HandlerName } from '../../cdk/bundling.js';
import { Inflate, deflateRaw, inflateRaw } from '../../cdk/pako-zlib/index.js';
import { DEFAULT_TEMPLATE_SOURCE, repoPath } from '../../cdk/paths.js';

const out = mkdtempSync(join(tmpdir(), 'tertial-bundles-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * Packages whose code in a bundle means a replacement or a removal did not take: pako
 * (node:zlib instead), the spreadsheet writer, and the SDK's credential chain past the
 * environment (cdk/lambda-credentials/) with the STS and SSO clients it carries.
 */
const UNWANTED =
  /node_modules\/(pako|exceljs|jszip|bluebird|@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients))\//;

function packagesIn(metafile: Metafile): string[] {
  return [
    ...new Set(
      Object.keys(metafile.inputs).flatMap((f) => {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
        return m ? [m[1] as string] : [];
      }),
    ),
  ];
}

describe('the handler bundles', () => {
  it.each(Object.keys(HANDLER_ENTRIES) as HandlerName[])(
    '%s: within MAX_BUNDLE_BYTES (1 MiB), without pako, exceljs, jszip, bluebird or the SDK credential chain past the environment',
    async (name) => {
      const outfile = join(out, name, 'index.mjs');
      const result = await build({
        ...esbuildOptions(repoPath(HANDLER_ENTRIES[name]), outfile, repoPath()),
        metafile: true,
        logLevel: 'error',
      });
      const unwanted = Object.keys(result.metafile.inputs).filter((f) => UNWANTED.test(f));
      expect(unwanted).toEqual([]);
      expect(statSync(outfile).size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    },
  );

  it('pizzip in a bundle reads a .docx and writes it back with node:zlib, no copy of pako bundled', async () => {
    const outfile = join(out, 'pizzip', 'index.mjs');
    const { entryPoints: _, ...options } = esbuildOptions('', outfile, repoPath());
    const result = await build({
      ...options,
      stdin: {
        contents:
          "import PizZip from 'pizzip';\n" +
          'export function roundTrip(bytes) {\n' +
          '  const zip = new PizZip(bytes);\n' +
          "  const written = zip.generate({ type: 'uint8array', compression: 'DEFLATE' });\n" +
          "  return { before: zip.file('word/document.xml').asText(), after: new PizZip(written).file('word/document.xml').asText(), written };\n" +
          '}\n',
        resolveDir: repoPath(),
        sourcefile: 'pizzip-entry.mjs',
      },
      sourcemap: false,
      metafile: true,
      logLevel: 'error',
    });
    expect(packagesIn(result.metafile)).toEqual(['pizzip']);
    expect(Object.keys(result.metafile.inputs)).toContain('cdk/pako-zlib/dist/pako.es5.min.ts');

    const bundled = (await import(pathToFileURL(outfile).href)) as {
      roundTrip(bytes: Uint8Array): { before: string; after: string; written: Uint8Array };
    };
    const template = new Uint8Array(readFileSync(DEFAULT_TEMPLATE_SOURCE));
    const { before, after, written } = bundled.roundTrip(template);
    expect(before).toContain('<w:body>');
    expect(after).toBe(before);
    // What the bundle wrote is a zip another reader (the unbundled pizzip, with pako) reads the same.
    expect(new PizZip(written).file('word/document.xml')?.asText()).toBe(before);
    expect(written.byteLength).toBeLessThan(before.length);
  });
});

describe('the credentials in a bundle', () => {
  it('an SDK client in a bundle signs with the environment’s credentials, as Lambda gives them, and says so when they are missing', async () => {
    const outfile = join(out, 'credentials', 'index.mjs');
    const { entryPoints: _, ...options } = esbuildOptions('', outfile, repoPath());
    const result = await build({
      ...options,
      stdin: {
        contents:
          "import { S3Client } from '@aws-sdk/client-s3';\n" +
          'export async function credentials() {\n' +
          "  const client = new S3Client({ region: 'eu-north-1' });\n" +
          '  try { return await client.config.credentials(); } finally { client.destroy(); }\n' +
          '}\n',
        resolveDir: repoPath(),
        sourcefile: 'credentials-entry.mjs',
      },
      sourcemap: false,
      metafile: true,
      logLevel: 'error',
    });
    expect(Object.keys(result.metafile.inputs)).toContain('cdk/lambda-credentials/index.ts');
    expect(Object.keys(result.metafile.inputs).filter((f) => UNWANTED.test(f))).toEqual([]);
    const bundled = (await import(pathToFileURL(outfile).href)) as {
      credentials(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
    };
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      });
      await expect(bundled.credentials()).resolves.toMatchObject({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token',
      });
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      await expect(bundled.credentials()).rejects.toThrow(/environment/i);
    } finally {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
    }
  });
});

describe('cdk/pako-zlib: pako as pizzip calls it', () => {
  const text = new TextEncoder().encode('Måluppföljning '.repeat(2_000));

  it('deflateRaw and inflateRaw round-trip, as plain Uint8Arrays', () => {
    const packed = deflateRaw(text, { level: 6 });
    expect(packed.byteLength).toBeLessThan(text.byteLength / 10);
    expect(Object.getPrototypeOf(packed)).toBe(Uint8Array.prototype);
    const unpacked = inflateRaw(packed);
    expect(Object.getPrototypeOf(unpacked)).toBe(Uint8Array.prototype);
    expect(Buffer.from(unpacked).equals(Buffer.from(text))).toBe(true);
    expect(() => inflateRaw(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });

  it('Inflate takes the stream in chunks and hands the data to onData once the last arrives', () => {
    const packed = deflateRaw(text);
    const inflater = new Inflate({ raw: true, chunkSize: 64 });
    const seen: Uint8Array[] = [];
    inflater.onData = (chunk) => seen.push(chunk);
    for (let i = 0; i < packed.byteLength; i += 100)
      inflater.push(packed.subarray(i, i + 100), i + 100 >= packed.byteLength);
    expect(inflater.err).toBe(0);
    expect(inflater.ended).toBe(true);
    expect(Buffer.concat(seen).equals(Buffer.from(text))).toBe(true);
  });

  it('Inflate reports a corrupt stream in err and msg, as pako does, instead of throwing', () => {
    const inflater = new Inflate({ raw: true });
    expect(inflater.push(new Uint8Array([0xff, 0xff, 0xff]), true)).toBe(false);
    expect(inflater.err).not.toBe(0);
    expect(inflater.msg).not.toBe('');
    expect(inflater.ended).toBe(false);
  });
});
