import { describe, expect, it } from 'vitest';
import {
  isReadableUploadName,
  misplacedReceiptKey,
  routePeriodActionKey,
  routeTemplateKey,
  routeUploadKey,
  uploadFormat,
} from '../../lambdas/core/keys.js';
import { uploadFileType } from '../../lambdas/core/parse/index.js';
import { misplacedIssue, unsupportedFormatIssue } from '../../lambdas/core/routing-issues.js';
import { MAX_MESSAGE_ISSUES, receiptMessage } from '../../lambdas/core/receipt-message.js';
import { rejectedUploadReceipt } from '../../lambdas/core/receipt.js';

const period = { committee: 'ks', year: 2023, tertial: 3 } as const;

describe('every upload is routed by one table', () => {
  it.each([
    ['EKONOMI.XLSX', 'xlsx'],
    ['aktiviteter.xlsx', 'xlsx'],
    ['Mål.Csv', 'csv'],
  ])('reads %s as %s, in any letter case', (name, format) => {
    expect(routeUploadKey(`uploads/ks/2023/T3/${name}`)).toEqual({ action: 'read', upload: { period, name }, format });
    // The parser goes by the same table.
    expect(uploadFileType(name)).toBe(format);
  });

  it.each([
    'plan.xls',
    'mål.ods',
    'rapport.xlsm',
    'noter.txt',
    'data.tsv',
    'bok.xlsb',
    'kalkyl.numbers',
    'rapport.pdf',
    'mall.docx',
    'bild.png',
    'utan-filändelse',
  ])('refuses %s with a receipt in its period, naming the format', (name) => {
    const route = routeUploadKey(`uploads/ks/2023/T3/${name}`);
    expect(route.action).toBe('refuse');
    if (route.action !== 'refuse') return;
    expect(route.upload).toEqual({ period, name });
    const issue = unsupportedFormatIssue(name, route.format);
    expect(issue.code).toBe('unsupported_file_type');
    expect(issue.message).toContain(`"${name}"`);
    const extension = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
    if (extension) expect(issue.message).toContain(` är en ${extension.toLowerCase()}-fil`);
    else expect(issue.message).toContain('saknar filändelse');
    if (name.endsWith('.numbers')) expect(issue.message).toContain('Arkiv → Exportera till → Excel');
    else {
      expect(issue.message).toContain('i Excel Arkiv → Spara som → Excel-arbetsbok (*.xlsx)');
      expect(issue.message).toContain('i LibreOffice Arkiv → Spara som → filformat Excel 2007–365 (.xlsx)');
    }
  });

  it('names the formats staff are likely to upload by mistake', () => {
    const described = (name: string) => {
      const f = uploadFormat(name);
      return 'refuse' in f ? f.refuse.description : undefined;
    };
    expect(described('plan.xls')).toBe('en Excel 97–2003-arbetsbok');
    expect(described('rapport.XLSM')).toBe('en Excel-arbetsbok med makron');
    expect(described('mål.ods')).toBe('ett OpenDocument-kalkylblad (LibreOffice)');
    expect(described('noter.txt')).toBe('en textfil');
    expect(described('x.constructor')).toBeUndefined();
    expect(described('x.__proto__')).toBeUndefined();
    expect(isReadableUploadName('plan.xls')).toBe(false);
    expect(isReadableUploadName('plan.XLSX')).toBe(true);
  });

  it.each([
    ['the S3 console folder placeholder', 'uploads/ks/2023/T3/'],
    ['a folder placeholder higher up', 'uploads/ks/'],
    ['an old tool folder marker', 'uploads/ks/2023/T3_$folder$'],
    ['a Finder .DS_Store', 'uploads/ks/2023/T3/.DS_Store'],
    ['a Finder resource fork', 'uploads/ks/2023/T3/._aktiviteter.xlsx'],
    ['a Windows Thumbs.db', 'uploads/ks/2023/T3/Thumbs.db'],
    ['a Windows desktop.ini', 'uploads/ks/desktop.ini'],
    ['an Office owner file', 'uploads/ks/2023/T3/~$aktiviteter.xlsx'],
  ])('ignores %s without a receipt', (_case, key) => {
    expect(routeUploadKey(key)).toEqual({ action: 'ignore' });
  });
});

describe('10.10: upload keys outside the layout get a receipt, or an ERROR log where none can be formed', () => {
  it.each([
    ['T4', 'uploads/ks/2023/T4/a.xlsx', 'tertial', '"T4" är inte en tertial'],
    ['year 0000', 'uploads/ks/0000/T3/a.xlsx', 'year', '"0000" är inte ett år'],
    ['KS in the wrong case', 'uploads/KS/2023/T3/a.xlsx', 'committee', 'menade du "ks"?'],
    ['t1 in the wrong case', 'uploads/ks/2023/t1/a.xlsx', 'tertial', 'menade du "T1"?'],
    ['a sub-folder', 'uploads/ks/2023/T3/sub/a.xlsx', 'depth', 'undermapp'],
    ['a file directly under uploads/', 'uploads/a.xlsx', 'depth', 'för högt upp'],
    ['a leading dot', 'uploads/ks/2023/T3/.dold.xlsx', 'name', 'börjar med en punkt'],
    ['a name over 200 characters', `uploads/ks/2023/T3/${'å'.repeat(201)}.xlsx`, 'name', 'längre än 200 tecken'],
    ['a 33-character committee', `uploads/${'a'.repeat(33)}/2023/T3/a.xlsx`, 'committee', 'inte en nämnds förkortning'],
    ['a name reserved for the close receipt', 'uploads/ks/2023/T3/stangning', 'name', 'reserverat'],
  ])('%s: receipts/_misplaced/{key}.json says what the layout expects', (_case, key, code, text) => {
    const route = routeUploadKey(key);
    expect(route.action).toBe('misplaced');
    if (route.action !== 'misplaced') return;
    expect(route.problem.code).toBe(code);
    expect(route.receiptKey).toBe(`receipts/_misplaced/${key}.json`);
    const issue = misplacedIssue(key, route.problem);
    expect(issue.message).toContain(text);
    expect(issue.message).toContain('uploads/{nämnd}/{år}/T{tertial}/{filnamn}');
    expect(issue.message).toContain('Inget från filen har sparats');
  });

  it.each([
    ['a key too long for a receipt key', `uploads/ks/2023/T3/${'a'.repeat(990)}.xlsx`],
    ['an empty segment', 'uploads/ks//2023/T3/a.xlsx'],
    ['a parent-directory segment', 'uploads/ks/../2023/T3/a.xlsx'],
    ['a control character', 'uploads/ks/2023/T3/a\u0001.xlsx'],
  ])('%s: no receipt key can be formed', (_case, key) => {
    const route = routeUploadKey(key);
    expect(route.action).toBe('misplaced');
    expect(route.action === 'misplaced' && route.receiptKey).toBeUndefined();
    expect(misplacedReceiptKey(key)).toBeUndefined();
  });
});

describe('a receipt as a message', () => {
  it('lists at most a screenful of errors, then where to read the rest', () => {
    const errors = Array.from({ length: 45 }, (_, i) => ({
      code: 'missing_value' as const,
      message: `Fel nummer ${i + 1}.`,
      file: 'a.xlsx',
      sheet: 'Aktiviteter',
      row: i + 2,
    }));
    const receipt = rejectedUploadReceipt({
      period,
      file: 'a.xlsx',
      key: 'uploads/ks/2023/T3/a.xlsx',
      receivedAt: new Date(0),
      errors,
      warnings: [],
      hasPreviousVersion: false,
    });
    const message = receiptMessage(
      receipt,
      {
        bucket: 'out',
        receiptKey: 'receipts/ks/2023/T3/a.xlsx.json',
        htmlKey: 'receipts/ks/2023/T3/a.xlsx.html',
        markedUpKey: 'receipts/ks/2023/T3/a-fel.xlsx',
      },
      { committee: 'ks', period: '2023-T3' },
    );
    expect(message.text).toContain('Fel (45):');
    expect(message.text).toContain(
      `- blad Aktiviteter, rad ${MAX_MESSAGE_ISSUES + 1}: Fel nummer ${MAX_MESSAGE_ISSUES}.`,
    );
    expect(message.text).not.toContain(`Fel nummer ${MAX_MESSAGE_ISSUES + 1}.`);
    expect(message.text).toContain(
      `… och ${45 - MAX_MESSAGE_ISSUES} till. Alla finns i kvittot: s3://out/receipts/ks/2023/T3/a.xlsx.html`,
    );
    expect(message.text).toContain('Din fil med felen markerade: s3://out/receipts/ks/2023/T3/a-fel.xlsx');
    expect(message.text).toContain('Kvittot (JSON): s3://out/receipts/ks/2023/T3/a.xlsx.json');
    expect(message.subject).toBe('Kvitto: a.xlsx (inte mottagen)');
  });

  it('keeps the subject under the 100 characters SNS allows, on one line', () => {
    const file = `${'x'.repeat(190)}\n.xlsx`;
    const receipt = rejectedUploadReceipt({
      period,
      file,
      key: 'k',
      receivedAt: new Date(0),
      errors: [],
      warnings: [],
      hasPreviousVersion: false,
    });
    const { subject } = receiptMessage(receipt, { bucket: 'out', receiptKey: 'k.json' }, { committee: 'ks' });
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('closures and reopenings outside the layout get a receipt too, not silence', () => {
  it.each([
    ['closures', 't1 in the wrong case', 'closures/ks/2024/t1', 'tertial', 'menade du "T1"?'],
    ['closures', 'a file extension', 'closures/ks/2024/T1.json', 'tertial', 'menade du "T1"?'],
    ['closures', 'KS in the wrong case', 'closures/KS/2024/T1', 'committee', 'menade du "ks"?'],
    ['closures', 'a two-digit year', 'closures/ks/24/T1', 'year', '"24" är inte ett år'],
    ['closures', 'no tertial', 'closures/ks/2024', 'depth', 'nämnd, år eller tertial saknas'],
    ['closures', 'a file under the tertial', 'closures/ks/2024/T1/stang.json', 'depth', 'fler delar'],
    ['reopenings', 'T4', 'reopenings/ks/2024/T4', 'tertial', '"T4" är inte en tertial'],
  ] as const)('%s, %s: %s', (folder, _case, key, code, text) => {
    const route = routePeriodActionKey(key, folder);
    expect(route.action).toBe('misplaced');
    if (route.action !== 'misplaced') return;
    expect(route.problem.code).toBe(code);
    expect(route.receiptKey).toBe(`receipts/_misplaced/${key}.json`);
    const issue = misplacedIssue(key, route.problem, folder);
    expect(issue.message).toContain(text);
    expect(issue.message).toContain(`${folder}/{nämnd}/{år}/T{tertial}`);
    expect(issue.message).toContain(
      folder === 'closures' ? 'Ingen tertial har stängts' : 'Ingen tertial har öppnats igen',
    );
  });

  it('acts on a key in the layout, and ignores folder placeholders and operating-system files', () => {
    expect(routePeriodActionKey('closures/ks/2024/T1', 'closures')).toEqual({
      action: 'act',
      period: { committee: 'ks', year: 2024, tertial: 1 },
    });
    expect(routePeriodActionKey('reopenings/ks/2024/T2', 'reopenings')).toMatchObject({ action: 'act' });
    for (const key of ['closures/ks/2024/', 'closures/ks/.DS_Store', 'closures/ks/2024/Thumbs.db'])
      expect(routePeriodActionKey(key, 'closures'), key).toEqual({ action: 'ignore' });
  });
});

describe('a template under any name but templates/{committee}.docx gets a receipt, not silence', () => {
  it.each([
    ['the extension in capitals', 'templates/ks.DOCX', 'menade du "templates/ks.docx"?'],
    ['the committee in capitals', 'templates/KS.docx', 'menade du "templates/ks.docx"?'],
    ['a Word template file', 'templates/ks.dotx', '"ks.dotx" är inte ett mallnamn'],
    ['a sub-folder', 'templates/ks/mall.docx', '"ks/mall.docx" är inte ett mallnamn'],
  ])('%s: %s', (_case, key, text) => {
    const route = routeTemplateKey(key);
    expect(route.action).toBe('misplaced');
    if (route.action !== 'misplaced') return;
    expect(route.receiptKey).toBe(`receipts/_misplaced/${key}.json`);
    const issue = misplacedIssue(key, route.problem, 'templates');
    expect(issue.message).toContain(text);
    expect(issue.message).toContain('templates/{nämnd}.docx');
    expect(issue.message).toContain('den mall som gällde gäller fortfarande');
    expect(issue.message).not.toContain('?.');
  });

  it('checks templates/{committee}.docx, and ignores folder placeholders and operating-system files', () => {
    expect(routeTemplateKey('templates/ks.docx')).toEqual({ action: 'check', committee: 'ks' });
    for (const key of ['templates/', 'templates/.DS_Store', 'templates/~$ks.docx'])
      expect(routeTemplateKey(key), key).toEqual({ action: 'ignore' });
  });
});
