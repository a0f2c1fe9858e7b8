import { describe, expect, it } from 'vitest';
import { parseCsvHead, parseCsvText } from '../../lambdas/core/parse/csv.js';
import { normalizeMultiline } from '../../lambdas/core/parse/text.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';

const HEADER = 'Mål;Aktivitet;Ansvarig;Status;Kommentar';

/** Title rows, quoted fields spanning lines, blank lines, then many plain rows. */
function awkwardCsv(rows: number, newline = '\r\n'): string {
  const lines = [
    'Kommunstyrelsens aktiviteter;;;;',
    '',
    '"Uppföljning ""tertial 3""";"rad ett',
    'rad två',
    '',
    'rad fyra";;;',
    HEADER,
  ];
  for (let i = 0; i < rows; i++)
    lines.push(`KS${i % 7};"Aktivitet ${i}${i % 5 === 0 ? `${newline}andra raden` : ''}";Kommunchef;Pågående;`);
  return lines.join(newline);
}

describe('Function: parseCsvHead', () => {
  it('gives exactly the first records of the whole parse, with their row numbers, whatever the line breaks', () => {
    for (const newline of ['\r\n', '\n', '\r']) {
      const text = awkwardCsv(500, newline);
      for (const records of [1, 5, 20, 40]) {
        for (const delimiter of [';', ','] as const) {
          const head = parseCsvHead(text, delimiter, 'Aktiviteter', records, 200);
          const whole = parseCsvText(text, delimiter, 'Aktiviteter', 50_000, 200);
          expect(head.grid.rows).toEqual(whole.grid.rows.slice(0, records));
        }
      }
    }
  });

  it('stops where the whole parse stops on a record with too many fields', () => {
    const text = `${HEADER}\n${'x;'.repeat(300)}\nKS1;a;b;Pågående;c\n`;
    const head = parseCsvHead(text, ';', 'Aktiviteter', 20, 200);
    const whole = parseCsvText(text, ';', 'Aktiviteter', 50_000, 200);
    expect(head.limit).toEqual(whole.limit);
    expect(head.grid.rows).toEqual(whole.grid.rows);
  });

  it('reads a short file whole', () => {
    const text = `${HEADER}\nKS1;a;b;Pågående;c`;
    expect(parseCsvHead(text, ';', 'Aktiviteter', 20).grid.rows).toEqual(
      parseCsvText(text, ';', 'Aktiviteter').grid.rows,
    );
  });
});

describe('Function: parseUpload – CSV delimiter chosen from the header rows', () => {
  it('finds the header below title rows and quoted line breaks, in a long file', async () => {
    const result = await parseUpload('aktiviteter.csv', new TextEncoder().encode(awkwardCsv(3000)));
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    expect(result.content.activities).toHaveLength(3000);
    expect(result.content.activities[5]).toMatchObject({
      goalRef: 'KS5',
      title: 'Aktivitet 5\nandra raden',
      status: 'Pågående',
    });
  });
});

describe('Function: normalizeMultiline', () => {
  it('only trims one plain line, as the full treatment would', () => {
    for (const text of ['  Ekonomi i balans  ', '\tÅtgärd: 5 % & <mer> "citat"\u00a0', '', ' ', 'ÿ¡¿ ×÷ åäö ÅÄÖ é ü']) {
      expect(normalizeMultiline(text)).toBe(text.trim());
    }
  });

  it('still cleans, normalises and splits everything else', () => {
    expect(normalizeMultiline('a\u0001b')).toBe('ab');
    expect(normalizeMultiline('A\u030a')).toBe('Å');
    expect(normalizeMultiline('\r\n rad ett  \r\nrad två\t\r\n\r\n')).toBe('rad ett\nrad två');
    expect(normalizeMultiline('x\u2028 ')).toBe('x\u2028'.trim());
  });
});
