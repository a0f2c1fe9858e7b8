import { describe, expect, it } from 'vitest';
import {
  annotatedUploadKey,
  closureKey,
  closureReceiptHtmlKey,
  closureReceiptKey,
  configKey,
  decodeEventKey,
  documentKey,
  documentsPrefix,
  draftKey,
  encodeEventKey,
  hrefFromPeriodPage,
  KEY_PREFIXES,
  keyFileName,
  misplacedKeyCommittee,
  normalizeSequencer,
  parseClosureKey,
  parseReceiptKey,
  parseStatusPageKey,
  parseUploadKey,
  pathFromStatusPage,
  pdfKey,
  receiptsPrefix,
  routeInputEvent,
  routeOutputEvent,
  reopeningReceiptHtmlKey,
  reopeningReceiptKey,
  statusPageKey,
  statusPagesPrefix,
  templateKey,
  uploadKey,
  uploadNameOfReceiptKey,
  uploadReceiptHtmlKey,
  uploadReceiptKey,
  workbookKey,
} from '../../lambdas/core/keys.js';

const period = { committee: 'ks', year: 2023, tertial: 3 } as const;

describe('keys: the S3 layout', () => {
  it('parses an upload key and formats it back', () => {
    const key = 'uploads/ks/2023/T3/Mål och aktiviteter.xlsx';
    expect(parseUploadKey(key)).toEqual({ period, name: 'Mål och aktiviteter.xlsx' });
    expect(uploadKey(period, 'Mål och aktiviteter.xlsx')).toBe(key);
  });

  it.each([
    'uploads/ks/2023/T4/a.xlsx',
    'uploads/KS/2023/T3/a.xlsx',
    'uploads/ks/23/T3/a.xlsx',
    'uploads/ks/2023/T3/.xlsx',
    'uploads/ks/2023/T3/sub/a.xlsx',
    'uploads/ks/2023/T3/stangning',
    'closures/ks/2023/T3',
    'uploads/ks/1999/T3/a.csv',
  ])('refuses %s as an upload', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });

  it('parses a closure key and refuses anything longer or shorter', () => {
    expect(parseClosureKey(closureKey(period))).toEqual(period);
    expect(parseClosureKey('closures/ks/2023/T3/extra')).toBeUndefined();
    expect(parseClosureKey('closures/ks/2023')).toBeUndefined();
  });

  it('places documents and receipts where staff look for them', () => {
    expect(documentKey(period)).toBe('documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx');
    expect(uploadReceiptKey(period, 'a b.xlsx')).toBe('receipts/ks/2023/T3/a b.xlsx.json');
    expect(closureReceiptKey(period)).toBe('receipts/ks/2023/T3/stangning.json');
  });

  it('places the draft and the status page per period, apart from the final document', () => {
    expect(draftKey(period)).toBe('drafts/ks/2023/T3/ks-maluppfoljning-2023-T3-UTKAST.docx');
    expect(draftKey({ committee: 'bmn-2', year: 2024, tertial: 1 })).toBe(
      'drafts/bmn-2/2024/T1/bmn-2-maluppfoljning-2024-T1-UTKAST.docx',
    );
    expect(draftKey(period)).not.toBe(documentKey(period));
    expect(statusPageKey(period)).toBe('status/ks/2023/T3/index.html');
    expect(statusPageKey(period).startsWith(statusPagesPrefix('ks'))).toBe(true);
    expect(statusPageKey({ committee: 'ks-2', year: 2023, tertial: 3 }).startsWith(statusPagesPrefix('ks'))).toBe(
      false,
    );
  });

  it('parses a status page key back, and nothing else', () => {
    expect(parseStatusPageKey(statusPageKey(period))).toEqual(period);
    for (const key of [
      'status/ks/2023/T3/other.html',
      'status/ks/2023/T4/index.html',
      'status/../2023/T3/index.html',
      'status/ks/2023/T3',
      draftKey(period),
    ]) {
      expect(parseStatusPageKey(key), key).toBeUndefined();
    }
  });

  it('keeps the status page as deep as the receipts and drafts, so its relative links resolve', () => {
    const depth = (key: string) => key.split('/').length;
    expect(depth(statusPageKey(period))).toBe(depth(uploadReceiptKey(period, 'a.xlsx')));
    expect(depth(statusPageKey(period))).toBe(depth(draftKey(period)));
    expect(depth(statusPageKey(period))).toBe(depth(documentKey(period)));
    // None of them is an input the pipeline reacts to.
    for (const key of [statusPageKey(period), draftKey(period)]) {
      expect(routeInputEvent(key, 'created')).toBeUndefined();
    }
  });

  it('routes events as the bucket notifications are configured', () => {
    expect(routeInputEvent('uploads/ks/2023/T3/a.xlsx', 'created')).toBe('ingest');
    expect(routeInputEvent('uploads/ks/2023/T3/a.csv', 'removed')).toBe('ingest');
    // Every name under uploads/ reaches ingest, which answers each with a receipt.
    expect(routeInputEvent('uploads/ks/2023/T3/a.txt', 'created')).toBe('ingest');
    expect(routeInputEvent('uploads/ks/2023/T3/EKONOMI.XLSX', 'created')).toBe('ingest');
    expect(routeInputEvent('closures/ks/2023/T3', 'created')).toBe('assemble');
    expect(routeInputEvent('closures/ks/2023/T3', 'removed')).toBeUndefined();
    expect(routeInputEvent('templates/ks.docx', 'created')).toBe('templateCheck');
    expect(routeInputEvent('templates/ks.docx', 'removed')).toBeUndefined();
    expect(routeInputEvent('config/ks.json', 'created')).toBeUndefined();
  });
});

describe('keys: hostile keys', () => {
  it.each([
    ['a path segment hidden as %2F', 'uploads%2Fks%2F2023%2FT3%2Fa.xlsx'],
    ['a parent directory', 'uploads/ks/2023/T3/../../closures/ks/2023/T3'],
    ['a committee with ..', 'uploads/../2023/T3/a.xlsx'],
    ['an upper-case committee', 'uploads/KS/2023/T3/a.xlsx'],
    ['a committee longer than 32', `uploads/${'a'.repeat(33)}/2023/T3/a.xlsx`],
    ['a tertial T0', 'uploads/ks/2023/T0/a.xlsx'],
    ['a control character in the name', 'uploads/ks/2023/T3/a\u0000b.xlsx'],
    ['an extra folder level', 'uploads/ks/2023/T3/sub/a.xlsx'],
  ])('refuses %s', (_case, raw) => {
    const key = decodeEventKey(encodeEventKey(raw.replace('\\u0000', '\u0000')));
    expect(key).toBeDefined();
    expect(parseUploadKey(key as string)).toBeUndefined();
    expect(parseClosureKey(key as string)).toBeUndefined();
  });

  it('decodes %2F into a slash, so an encoded separator can never smuggle in a folder', () => {
    expect(decodeEventKey('uploads/ks/2023/T3/a%2F..%2Fb.xlsx')).toBe('uploads/ks/2023/T3/a/../b.xlsx');
    expect(parseUploadKey('uploads/ks/2023/T3/a/../b.xlsx')).toBeUndefined();
  });

  it('keeps Unicode and + in names exactly, and builds receipt keys only from the parsed parts', () => {
    const parsed = parseUploadKey(decodeEventKey('uploads/ks/2023/T3/%C3%85tg%C3%A4rder+%2B+m%C3%A5l.csv') as string);
    expect(parsed).toEqual({ period, name: 'Åtgärder + mål.csv' });
    expect(uploadReceiptKey(parsed!.period, parsed!.name)).toBe('receipts/ks/2023/T3/Åtgärder + mål.csv.json');
  });
});

describe('keys: S3 event encoding', () => {
  it('decodes keys as S3 writes them into events (+ for space, UTF-8 percent-encoding)', () => {
    expect(decodeEventKey('uploads/ks/2023/T3/M%C3%A5l+och+plan+%282%29.xlsx')).toBe(
      'uploads/ks/2023/T3/Mål och plan (2).xlsx',
    );
    expect(decodeEventKey('uploads/ks/2023/T3/a%2Bb.xlsx')).toBe('uploads/ks/2023/T3/a+b.xlsx');
    expect(decodeEventKey('%E0%A4%A')).toBeUndefined();
  });

  it('round-trips any key through the event encoding', () => {
    for (const key of [
      'uploads/ks/2023/T3/Mål & plan 100%.xlsx',
      'uploads/ks/2023/T3/a+b c.csv',
      'closures/ks/2023/T1',
    ]) {
      const encoded = encodeEventKey(key);
      expect(encoded).not.toContain(' ');
      expect(decodeEventKey(encoded)).toBe(key);
    }
  });

  it('orders sequencers of different lengths after left-padding, as S3 documents', () => {
    const a = normalizeSequencer('9');
    const b = normalizeSequencer('0A');
    const c = normalizeSequencer('00055AED6D43B6B5E5');
    expect(a < b).toBe(true);
    expect(b < c).toBe(true);
    expect(normalizeSequencer('0a')).toBe(b);
    expect(() => normalizeSequencer('xyz')).toThrow();
  });
});

describe('keys: what staff read after an upload', () => {
  it('puts the readable receipt and the marked copy beside the JSON receipt', () => {
    expect(uploadReceiptHtmlKey(period, 'Mål och plan.xlsx')).toBe('receipts/ks/2023/T3/Mål och plan.xlsx.html');
    expect(uploadReceiptHtmlKey(period, 'a.csv')).toBe('receipts/ks/2023/T3/a.csv.html');
    expect(annotatedUploadKey(period, 'Mål och plan.xlsx')).toBe('receipts/ks/2023/T3/Mål och plan-fel.xlsx');
    expect(closureReceiptHtmlKey(period)).toBe('receipts/ks/2023/T3/stangning.html');
    expect(reopeningReceiptHtmlKey(period)).toBe('receipts/ks/2023/T3/oppning.html');
  });

  it('links a key from a page in a period folder: four folders up, each segment encoded', () => {
    expect(hrefFromPeriodPage('documents/ks/2023/T3/a b.docx')).toBe('../../../../documents/ks/2023/T3/a%20b.docx');
  });

  it("never collides with a receipt, the closing receipt or another upload's copy", () => {
    const names = ['a.xlsx', 'a-fel.xlsx', 'a.csv', 'a.xlsx.xlsx', 'stangning.xlsx', 'b-fel-fel.xlsx'];
    const keys = [
      closureReceiptKey(period),
      closureReceiptHtmlKey(period),
      reopeningReceiptKey(period),
      reopeningReceiptHtmlKey(period),
      ...names.flatMap((n) => [uploadReceiptKey(period, n), uploadReceiptHtmlKey(period, n)]),
      ...names.filter((n) => n.endsWith('.xlsx')).map((n) => annotatedUploadKey(period, n)),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(routeInputEvent(key, 'created'), key).toBeUndefined();
      expect(parseUploadKey(key), key).toBeUndefined();
    }
  });

  it('refuses names that are not uploads, and CSV files for the marked copy', () => {
    expect(() => uploadReceiptHtmlKey(period, '../x.xlsx.json')).toThrow();
    expect(uploadReceiptHtmlKey(period, 'a.txt')).toBe('receipts/ks/2023/T3/a.txt.html');
    expect(() => uploadReceiptHtmlKey(period, 'stangning')).toThrow();
    expect(() => annotatedUploadKey(period, 'a.csv')).toThrow();
    expect(() => annotatedUploadKey(period, '.xlsx')).toThrow();
    expect(() => annotatedUploadKey(period, 'sub/a.xlsx')).toThrow();
    expect(() => uploadReceiptHtmlKey(period, 'sub/a.xlsx')).toThrow();
  });
});

describe('keys: the output bucket’s notifications', () => {
  it('routes every JSON receipt, and nothing the views function writes, to the views function', () => {
    expect(routeOutputEvent('receipts/ks/2023/T3/a.xlsx.json', 'created')).toBe('views');
    expect(routeOutputEvent('receipts/ks/2023/T3/stangning.json', 'created')).toBe('views');
    expect(routeOutputEvent('receipts/templates/ks.docx.json', 'created')).toBe('views');
    expect(routeOutputEvent('receipts/ks/2023/T3/a.xlsx.html', 'created')).toBeUndefined();
    expect(routeOutputEvent(closureReceiptHtmlKey(period), 'created')).toBeUndefined();
    expect(routeOutputEvent(reopeningReceiptHtmlKey(period), 'created')).toBeUndefined();
    expect(routeOutputEvent('drafts/ks/2023/T3/ks-maluppfoljning-2023-T3-UTKAST.docx', 'created')).toBeUndefined();
    expect(routeOutputEvent('status/ks/2023/T3/index.html', 'created')).toBeUndefined();
    expect(routeOutputEvent('receipts/ks/2023/T3/a.xlsx.json', 'removed')).toBeUndefined();
  });

  it('tells which period or committee a receipt is about', () => {
    expect(parseReceiptKey('receipts/ks/2023/T3/Mål och plan.xlsx.json')).toEqual({ period });
    expect(parseReceiptKey('receipts/ks/2023/T3/stangning.json')).toEqual({ period });
    expect(parseReceiptKey('receipts/templates/ks.docx.json')).toEqual({ committee: 'ks' });
    expect(parseReceiptKey('receipts/templates/KS.docx.json')).toBeUndefined();
    expect(parseReceiptKey('receipts/ks/2023/T9/a.xlsx.json')).toBeUndefined();
    expect(parseReceiptKey('receipts/ks/2023/T3/a.xlsx.html')).toBeUndefined();
  });
});

describe('keys: the period history', () => {
  it('formats and parses every kind of history key, and refuses the rest', async () => {
    const { acceptedCopyKey, closeRecordKey, parseHistoryKey, removalMarkKey, reopenRecordKey } =
      await import('../../lambdas/core/keys.js');
    const seq = 'A'.repeat(40);
    expect(acceptedCopyKey(period, 'Mål 1.xlsx', seq)).toBe(`history/ks/2023/T3/files/${seq}/Mål 1.xlsx`);
    expect(parseHistoryKey(period, acceptedCopyKey(period, 'Mål 1.xlsx', seq))).toEqual({
      kind: 'accepted',
      name: 'Mål 1.xlsx',
      sequencer: seq,
    });
    expect(parseHistoryKey(period, removalMarkKey(period, 'a.csv', seq))).toEqual({
      kind: 'removed',
      name: 'a.csv',
      sequencer: seq,
    });
    expect(parseHistoryKey(period, closeRecordKey(period, 12))).toEqual({ kind: 'closed', version: 12 });
    expect(parseHistoryKey(period, reopenRecordKey(period, 12))).toEqual({ kind: 'reopened', version: 12 });
    expect(closeRecordKey(period, 12)).toBe('history/ks/2023/T3/closes/0000000012.json');
    for (const bad of [
      `history/ks/2023/T3/files/${seq}/.dold.xlsx`,
      `history/ks/2023/T3/files/xyz/a.xlsx`,
      'history/ks/2023/T3/closes/12.json',
      'history/ks/2023/T2/closes/0000000012.json',
    ]) {
      expect(parseHistoryKey(period, bad)).toBeUndefined();
    }
    expect(() => acceptedCopyKey(period, '../a.xlsx', seq)).toThrow();
  });
});

describe('keys: folders, file names and links', () => {
  it('names the folders of a period that hold its receipts and its documents', () => {
    expect(receiptsPrefix(period)).toBe('receipts/ks/2023/T3/');
    expect(documentsPrefix(period)).toBe('documents/ks/2023/T3/');
    for (const key of [
      uploadReceiptKey(period, 'a.xlsx'),
      closureReceiptKey(period),
      annotatedUploadKey(period, 'a.xlsx'),
    ])
      expect(key.startsWith(receiptsPrefix(period))).toBe(true);
    for (const key of [documentKey(period), pdfKey(period)]) expect(key.startsWith(documentsPrefix(period))).toBe(true);
  });

  it('tells which upload a receipt of the period is for, and nothing else', () => {
    expect(uploadNameOfReceiptKey(period, uploadReceiptKey(period, 'Mål och plan.xlsx'))).toBe('Mål och plan.xlsx');
    expect(uploadNameOfReceiptKey(period, uploadReceiptKey(period, 'notes.txt'))).toBe('notes.txt');
    for (const other of [
      closureReceiptKey(period),
      'receipts/ks/2023/T3/oppning.json',
      uploadReceiptHtmlKey(period, 'a.xlsx'),
      'receipts/ks/2023/T3/sub/a.xlsx.json',
      'receipts/ks/2023/T3/.json',
      uploadReceiptKey({ ...period, tertial: 2 }, 'a.xlsx'),
    ])
      expect(uploadNameOfReceiptKey(period, other)).toBeUndefined();
  });

  it('takes the file name of a key', () => {
    expect(keyFileName(annotatedUploadKey(period, 'Plan KS.xlsx'))).toBe('Plan KS-fel.xlsx');
    expect(keyFileName('templates/ks.docx')).toBe('ks.docx');
    expect(keyFileName('stangning.json')).toBe('stangning.json');
  });

  it('links from a status page up to any key of the bucket', () => {
    const key = documentKey(period);
    const link = pathFromStatusPage(key);
    expect(link).toBe(`../../../../${key}`);
    // Resolved against the page's own key, the link is the key again.
    expect(new URL(link, `https://bucket.example/${statusPageKey(period)}`).pathname).toBe(`/${key}`);
  });

  it('guesses whose a misplaced upload is from its committee segment', () => {
    expect(misplacedKeyCommittee('uploads/KS/2024/T1/a.xlsx')).toBe('ks');
    expect(misplacedKeyCommittee('uploads/ks/2024/T4/a.xlsx')).toBe('ks');
    expect(misplacedKeyCommittee('uploads/Kommun styrelsen/a.xlsx')).toBeUndefined();
    expect(misplacedKeyCommittee('uploads/a.xlsx')).toBeUndefined();
  });

  it('formats every key under one of the buckets’ prefixes', () => {
    expect(configKey('ks')).toBe('config/ks.json');
    expect(templateKey('ks').startsWith(KEY_PREFIXES.templates)).toBe(true);
    expect(workbookKey(period).startsWith(KEY_PREFIXES.workbooks)).toBe(true);
    expect(statusPagesPrefix()).toBe(KEY_PREFIXES.status);
  });
});
