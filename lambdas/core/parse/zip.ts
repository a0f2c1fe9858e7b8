/**
 * A small, defensive reader for the zip container of an .xlsx workbook.
 *
 * Why our own: a streaming unzipper trusts each entry's *local* header (its sizes, or no
 * size at all with a data descriptor) and inflates without bound; a zip bomb, or a header
 * that lies about its size, would exhaust the Lambda's memory. So this module:
 *
 * 1. reads the End Of Central Directory record and the central directory (never the
 *    local headers' sizes), refusing ZIP64, split archives, encrypted entries and
 *    duplicate names;
 * 2. checks the *declared* uncompressed sizes of every entry (also the ones never
 *    inflated, such as images, which the marked-up copy of a refused workbook copies as
 *    they are) against {@link MAX_ENTRY_BYTES}, {@link MAX_UNCOMPRESSED_BYTES} and
 *    {@link MAX_COMPRESSION_RATIO} before inflating anything;
 * 3. inflates each needed entry with `maxOutputLength` set to its declared size, so an
 *    entry that inflates to more than it declared is stopped at that size.
 *
 * Pure: no I/O. Nothing here throws on bad input.
 */
import { inflateRawSync } from 'node:zlib';
import {
  CENTRAL_SIZE,
  EOCD_SIZE,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  LOCAL_SIZE,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_LOCATOR,
} from '../zip-format.js';

/** Largest declared uncompressed size of one entry (e.g. one sheet's XML): 50 MiB. */
export const MAX_ENTRY_BYTES = 50 * 1024 * 1024;
/** Largest declared uncompressed size of all entries together: 100 MiB. */
export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
/**
 * Highest accepted ratio of uncompressed to compressed size for an entry larger than
 * {@link RATIO_CHECK_MIN_BYTES}. Spreadsheet XML compresses 5–30×; 200× is a bomb.
 */
export const MAX_COMPRESSION_RATIO = 200;
/** Entries smaller than this (uncompressed) are not ratio-checked: 1 MiB. */
export const RATIO_CHECK_MIN_BYTES = 1024 * 1024;
/** Most entries a workbook's zip may list. */
export const MAX_ZIP_ENTRIES = 10_000;

export interface ZipEntry {
  /** The entry's path inside the archive (UTF-8 or, without the UTF-8 flag, CP437 read as Latin-1). */
  readonly name: string;
  readonly nameBytes: Uint8Array;
  /** General purpose flags from the central directory. */
  readonly flags: number;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** The entry's compressed bytes (a view into the upload). */
  readonly compressed: Uint8Array;
}

export type ZipProblem =
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'encrypted' }
  | { readonly kind: 'zip64' }
  | { readonly kind: 'too_many_entries'; readonly count: number }
  | { readonly kind: 'entry_too_large'; readonly entry: string; readonly size: number }
  | { readonly kind: 'total_too_large'; readonly size: number }
  | { readonly kind: 'ratio_too_high'; readonly entry: string; readonly ratio: number };

export type ZipReadResult =
  { readonly ok: true; readonly entries: readonly ZipEntry[] } | { readonly ok: false; readonly problem: ZipProblem };

const ZIP64_EXTRA_ID = 0x0001;

function corrupt(detail: string): ZipReadResult {
  return { ok: false, problem: { kind: 'corrupt', detail } };
}

/**
 * Reads the central directory and checks the declared sizes of the entries for which
 * `wanted(name)` is true (the ones that will be inflated). Entries not wanted are listed
 * but never inflated, so only the ZIP64 and structure checks apply to them.
 */
export function readZip(bytes: Uint8Array, wanted: (name: string) => boolean = () => true): ZipReadResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(bytes, view);
  if (eocd < 0) return corrupt('no end of central directory record');
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR)
    return { ok: false, problem: { kind: 'zip64' } };

  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const totalEntries = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (totalEntries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    return { ok: false, problem: { kind: 'zip64' } };
  if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== totalEntries) return corrupt('split archive');
  if (totalEntries > MAX_ZIP_ENTRIES) return { ok: false, problem: { kind: 'too_many_entries', count: totalEntries } };
  if (cdOffset + cdSize > eocd) return corrupt('central directory outside the file');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let pos = cdOffset;
  for (let i = 0; i < totalEntries; i++) {
    if (pos + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(pos, true) !== SIG_CENTRAL)
      return corrupt(`central directory entry ${i}`);
    const flags = view.getUint16(pos + 8, true);
    const method = view.getUint16(pos + 10, true);
    const dosTime = view.getUint16(pos + 12, true);
    const dosDate = view.getUint16(pos + 14, true);
    const crc32 = view.getUint32(pos + 16, true);
    const compressedSize = view.getUint32(pos + 20, true);
    const uncompressedSize = view.getUint32(pos + 24, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    const diskStart = view.getUint16(pos + 34, true);
    const localOffset = view.getUint32(pos + 42, true);
    const next = pos + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) return corrupt(`central directory entry ${i} overruns`);
    if (
      compressedSize === 0xffffffff ||
      uncompressedSize === 0xffffffff ||
      localOffset === 0xffffffff ||
      diskStart === 0xffff
    ) {
      return { ok: false, problem: { kind: 'zip64' } };
    }
    if (hasExtraField(view, pos + CENTRAL_SIZE + nameLength, extraLength, ZIP64_EXTRA_ID))
      return { ok: false, problem: { kind: 'zip64' } };

    const nameBytes = bytes.subarray(pos + CENTRAL_SIZE, pos + CENTRAL_SIZE + nameLength);
    const name = decodeName(nameBytes, (flags & FLAG_UTF8) !== 0);
    if (names.has(name)) return corrupt(`duplicate entry ${name}`);
    names.add(name);
    pos = next;

    // The local header only tells where the data starts; its sizes are never trusted.
    if (localOffset + LOCAL_SIZE > cdOffset || view.getUint32(localOffset, true) !== SIG_LOCAL)
      return corrupt(`local header of ${name}`);
    const dataStart =
      localOffset + LOCAL_SIZE + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > cdOffset) return corrupt(`data of ${name} outside the file`);

    if (!wanted(name) || name.endsWith('/')) continue;
    if ((flags & FLAG_ENCRYPTED) !== 0) return { ok: false, problem: { kind: 'encrypted' } };
    if (method !== 0 && method !== 8) return corrupt(`compression method ${method} in ${name}`);
    if (method === 0 && compressedSize !== uncompressedSize) return corrupt(`stored entry ${name} with two sizes`);
    if (uncompressedSize > MAX_ENTRY_BYTES)
      return { ok: false, problem: { kind: 'entry_too_large', entry: name, size: uncompressedSize } };
    total += uncompressedSize;
    if (total > MAX_UNCOMPRESSED_BYTES) return { ok: false, problem: { kind: 'total_too_large', size: total } };
    if (uncompressedSize > RATIO_CHECK_MIN_BYTES && uncompressedSize > MAX_COMPRESSION_RATIO * compressedSize) {
      return {
        ok: false,
        problem: {
          kind: 'ratio_too_high',
          entry: name,
          ratio: Math.round(uncompressedSize / Math.max(1, compressedSize)),
        },
      };
    }
    entries.push({
      name,
      nameBytes,
      flags,
      method,
      dosTime,
      dosDate,
      crc32,
      compressedSize,
      uncompressedSize,
      compressed: bytes.subarray(dataStart, dataStart + compressedSize),
    });
  }
  return { ok: true, entries };
}

/** The EOCD record's offset, searching back over a comment of up to 64 KiB; -1 if none. */
function findEocd(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - EOCD_SIZE;
  const first = Math.max(0, last - 0xffff);
  for (let i = last; i >= first; i--) {
    if (bytes[i] !== 0x50 || view.getUint32(i, true) !== SIG_EOCD) continue;
    // The comment must reach exactly to the end of the file.
    if (i + EOCD_SIZE + view.getUint16(i + 20, true) === bytes.length) return i;
  }
  return -1;
}

function hasExtraField(view: DataView, start: number, length: number, id: number): boolean {
  let p = start;
  const end = start + length;
  while (p + 4 <= end) {
    if (view.getUint16(p, true) === id) return true;
    p += 4 + view.getUint16(p + 2, true);
  }
  return false;
}

function decodeName(nameBytes: Uint8Array, utf8: boolean): string {
  // Without the UTF-8 flag the name is CP437; the names that matter (xl/…) are ASCII either way.
  return utf8 ? new TextDecoder('utf-8').decode(nameBytes) : Buffer.from(nameBytes).toString('latin1');
}

export type InflateResult =
  { readonly ok: true; readonly data: Uint8Array } | { readonly ok: false; readonly problem: ZipProblem };

/**
 * Inflates one entry, never producing more than its declared size: an entry whose data
 * inflates to more, or to less, than declared is refused as corrupt.
 */
export function inflateEntry(entry: ZipEntry): InflateResult {
  if (entry.method === 0) return { ok: true, data: entry.compressed };
  let data: Buffer;
  try {
    // maxOutputLength must be ≥ 1; one byte more than declared tells "too much" from "exact".
    data = inflateRawSync(entry.compressed, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (e) {
    const tooMuch = (e as { code?: string } | undefined)?.code === 'ERR_BUFFER_TOO_LARGE';
    return {
      ok: false,
      problem: {
        kind: 'corrupt',
        detail: tooMuch ? `${entry.name} inflates to more than declared` : `${entry.name} does not inflate`,
      },
    };
  }
  if (data.length !== entry.uncompressedSize) {
    return {
      ok: false,
      problem: {
        kind: 'corrupt',
        detail: `${entry.name} inflates to ${data.length} bytes, declared ${entry.uncompressedSize}`,
      },
    };
  }
  return { ok: true, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
