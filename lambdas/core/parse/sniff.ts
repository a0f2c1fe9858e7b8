/**
 * Tells what an upload really is from its first bytes, before anything is handed to a
 * zip reader or a CSV parser: staff rename files, save the wrong format, or protect a
 * workbook with a password, and each deserves its own explanation.
 */

export type SniffedKind =
  /** A zip archive (PK\3\4, or PK\5\6 for an empty one): possibly an .xlsx. */
  | 'zip'
  /** An OLE2/CFB container holding an .xls workbook (or another old Office file we cannot tell). */
  | 'legacy_xls'
  /** An OLE2/CFB container with an `EncryptionInfo` stream: a password-protected .xlsx. */
  | 'encrypted'
  /** An OLE2/CFB container holding a Word or PowerPoint document. */
  | 'other_office'
  | 'pdf'
  /** Anything else. */
  | 'unknown';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PDF_LEAD: ReadonlySet<number> = new Set([0x00, 0x09, 0x0a, 0x0d, 0x20, 0xef, 0xbb, 0xbf]);

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

export function sniff(bytes: Uint8Array): SniffedKind {
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, EMPTY_ZIP_MAGIC)) return 'zip';
  if (startsWith(bytes, CFB_MAGIC)) return classifyCfb(bytes);
  // Some PDF writers put whitespace or a BOM before the header (readers allow up to 1 KiB).
  let start = 0;
  while (start < 1024 && start < bytes.length && PDF_LEAD.has(bytes[start]!)) start++;
  if (startsWith(bytes, PDF_MAGIC, start)) return 'pdf';
  return 'unknown';
}

const ENCRYPTION_STREAMS = new Set(['EncryptionInfo', 'EncryptedPackage']);
const WORKBOOK_STREAMS = new Set(['Workbook', 'Book']);
const OTHER_OFFICE_STREAMS = new Set(['WordDocument', 'PowerPoint Document']);

function classifyCfb(bytes: Uint8Array): SniffedKind {
  const names = cfbDirectoryNames(bytes) ?? scanForNames(bytes);
  if (names.some((n) => ENCRYPTION_STREAMS.has(n))) return 'encrypted';
  if (names.some((n) => WORKBOOK_STREAMS.has(n))) return 'legacy_xls';
  if (names.some((n) => OTHER_OFFICE_STREAMS.has(n))) return 'other_office';
  return 'legacy_xls';
}

const END_OF_CHAIN = 0xfffffffe;
const MAX_DIRECTORY_SECTORS = 4096;

/**
 * The names in a Compound File Binary directory ([MS-CFB] §2.2, §2.6): the directory
 * sector chain is followed through the FAT sectors named in the header's DIFAT. Returns
 * undefined when the structure cannot be followed (truncated or unusual files).
 */
function cfbDirectoryNames(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 512) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorShift = view.getUint16(0x1e, true);
  if (sectorShift !== 9 && sectorShift !== 12) return undefined;
  const sectorSize = 1 << sectorShift;
  const sectorOffset = (n: number): number => (n + 1) * sectorSize;
  const fatSectorCount = view.getUint32(0x2c, true);

  const fatSectors: number[] = [];
  for (let i = 0; i < 109 && i < fatSectorCount; i++) fatSectors.push(view.getUint32(0x4c + 4 * i, true));
  const entriesPerSector = sectorSize / 4;
  const nextSector = (n: number): number | undefined => {
    const fatSector = fatSectors[Math.floor(n / entriesPerSector)];
    if (fatSector === undefined) return undefined;
    const at = sectorOffset(fatSector) + 4 * (n % entriesPerSector);
    return at + 4 <= bytes.length ? view.getUint32(at, true) : undefined;
  };

  const names: string[] = [];
  const seen = new Set<number>();
  let sector = view.getUint32(0x30, true);
  while (sector !== END_OF_CHAIN) {
    if (seen.has(sector) || seen.size >= MAX_DIRECTORY_SECTORS) return undefined;
    seen.add(sector);
    const start = sectorOffset(sector);
    if (start + sectorSize > bytes.length) return names.length > 0 ? names : undefined;
    for (let entry = start; entry < start + sectorSize; entry += 128) {
      const nameLength = view.getUint16(entry + 0x40, true);
      const type = bytes[entry + 0x42];
      if (type === 0 || nameLength < 2 || nameLength > 64) continue;
      names.push(utf16le(bytes.subarray(entry, entry + nameLength - 2)));
    }
    const next = nextSector(sector);
    if (next === undefined) return names.length > 0 ? names : undefined;
    sector = next;
  }
  return names;
}

/** Fallback: the known stream names, as UTF-16LE, anywhere in the first 64 KiB. */
function scanForNames(bytes: Uint8Array): string[] {
  const head = bytes.subarray(0, 64 * 1024);
  return [...ENCRYPTION_STREAMS, ...WORKBOOK_STREAMS, ...OTHER_OFFICE_STREAMS].filter(
    (name) => indexOf(head, [...Buffer.from(`${name}\0`, 'utf16le')]) >= 0,
  );
}

function utf16le(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf16le');
}

function indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  const first = needle[0];
  outer: for (
    let i = haystack.indexOf(first ?? 0);
    i >= 0 && i + needle.length <= haystack.length;
    i = haystack.indexOf(first ?? 0, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
