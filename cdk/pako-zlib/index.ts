/**
 * pako's API as pizzip uses it, over node:zlib: the bundles alias `pako` to this
 * directory (cdk/bundling.ts, `ESBUILD_ALIAS`), so a function that renders carries no
 * JavaScript port of zlib. pizzip loads pako twice, `pako/dist/pako.es5.min.js` for its
 * inflate and deflate and `pako` for checking the CRC of a zip read from a file; both
 * copies together were about 95 KiB of each rendering bundle. `dist/pako.es5.min.ts`
 * re-exports this module under the first name.
 *
 * What pizzip calls, and nothing more: `deflateRaw(data, { level })`, `inflateRaw(data)`
 * and the streaming `Inflate` (`raw`, `onData`, `push`, `err`, `msg`, `ended`). Results
 * are plain `Uint8Array`s, as pako returns them.
 */
import * as zlib from 'node:zlib';

function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** DEFLATE without a zlib header, at the level given (-1: zlib's default). */
export function deflateRaw(data: Uint8Array, options: { level?: number } = {}): Uint8Array {
  return plain(zlib.deflateRawSync(data, { level: options.level ?? -1 }));
}

/** Inflates raw DEFLATE data; throws on data that is not a whole, valid stream. */
export function inflateRaw(data: Uint8Array): Uint8Array {
  return plain(zlib.inflateRawSync(data));
}

/**
 * pako's streaming inflater, as pizzip's file reader drives it: chunks pushed in, the
 * last with `final` set, the output handed to `onData`. This one inflates when the last
 * chunk arrives; a failure sets `err` and `msg` instead of throwing, as pako's does.
 */
export class Inflate {
  onData: (chunk: Uint8Array) => void = () => {};
  err = 0;
  msg = '';
  ended = false;
  private readonly chunks: Uint8Array[] = [];

  constructor(options: { raw?: boolean; chunkSize?: number } = {}) {
    if (options.raw !== true) throw new Error('only raw DEFLATE streams are inflated here');
  }

  push(chunk: Uint8Array, final = false): boolean {
    if (this.ended || this.err) return false;
    this.chunks.push(chunk);
    if (!final) return true;
    try {
      this.onData(plain(zlib.inflateRawSync(Buffer.concat(this.chunks))));
      this.ended = true;
      return true;
    } catch (e) {
      this.err = (e as { errno?: number }).errno ?? -3; // Z_DATA_ERROR
      this.msg = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.chunks.length = 0;
    }
  }
}
