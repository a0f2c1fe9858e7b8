/**
 * Whatever the template, the output opens in Word: ids that loops copied are made unique
 * after rendering (lambdas/core/post-render.ts), a .dotx becomes a .docx, and a package
 * Word could not open is refused at upload in plain Swedish.
 */
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { checkTemplate, renderReport } from '../../lambdas/core/render.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import type { UploadContent } from '../../lambdas/core/domain.js';
import {
  bookmarkInLoopTemplate,
  brokenRelationshipTemplate,
  commentInLoopTemplate,
  dotxTemplate,
  missingDocumentTemplate,
  pictureInLoopTemplate,
} from '../fixtures/crafted-templates.js';

const FILE = 'templates/ks.docx';
const GOALS = 4;

function view(): ReportView {
  const source = { file: 'a.xlsx', sheet: 'Mål', row: 2 };
  const content: UploadContent = {
    goals: Array.from({ length: GOALS }, (_, i) => ({
      id: `KS${i + 1}`,
      title: `Mål ${i + 1}`,
      motivation: '',
      source: { ...source, row: i + 2 },
    })),
    activities: Array.from({ length: GOALS }, (_, i) => ({
      goalRef: `KS${i + 1}`,
      title: `Aktivitet ${i + 1}`,
      status: 'Pågående' as const,
      comment: '',
      source: { ...source, sheet: 'Aktiviteter', row: i + 2 },
    })),
    caseSections: [],
  };
  return buildReport({
    period: { committee: 'ks', year: 2024, tertial: 1 },
    config: KS_CONFIG,
    uploads: [{ name: 'a.xlsx', content }],
    closure: {},
  }).view;
}

/** Checks the template as the upload does, renders it, and returns the output's parts. */
function rendered(template: Uint8Array): PizZip {
  expect(checkTemplate(template, FILE)).toMatchObject({ ok: true });
  return new PizZip(renderReport(template, view(), FILE));
}

const text = (zip: PizZip, name: string): string => zip.file(name)?.asText() ?? '';
const all = (xml: string, pattern: RegExp): string[] => [...xml.matchAll(pattern)].map((m) => m[1] ?? '');
const duplicates = (values: readonly string[]): string[] => values.filter((v, i) => values.indexOf(v) !== i);

function refusal(template: Uint8Array): string {
  const result = checkTemplate(template, FILE);
  if (result.ok) throw new Error('expected the template to be refused');
  const message = result.errors.map((e) => e.message).join('\n');
  expect(message).not.toMatch(/Cannot read|undefined|TypeError|properties of/);
  return message;
}

describe('whatever the template, the output opens in Word', () => {
  it('a review comment on a tag inside {#goals}: the comment is kept once, its copied anchors removed', () => {
    const zip = rendered(commentInLoopTemplate());
    const xml = text(zip, 'word/document.xml');
    expect(xml.split('{goalHeading}')).toHaveLength(1);
    expect(all(xml, /<w:commentRangeStart w:id="([^"]*)"/g)).toEqual(['0']);
    expect(all(xml, /<w:commentRangeEnd w:id="([^"]*)"/g)).toEqual(['0']);
    expect(all(xml, /<w:commentReference w:id="([^"]*)"/g)).toEqual(['0']);
    expect(text(zip, 'word/comments.xml')).toContain('<w:comment w:id="0"');
    expect(xml).toContain('KS4 Mål 4');
  });

  it('a picture inside {#goals}: every copy has a wp:docPr id of its own, and the w14:paraId copies too', () => {
    const zip = rendered(pictureInLoopTemplate());
    const xml = text(zip, 'word/document.xml');
    const ids = all(xml, /<wp:docPr id="([^"]*)"/g);
    expect(ids).toHaveLength(GOALS);
    expect(duplicates(ids)).toEqual([]);
    const paraIds = all(xml, /w14:paraId="([^"]*)"/g);
    expect(paraIds).toHaveLength(GOALS);
    expect(duplicates(paraIds)).toEqual([]);
    expect(paraIds.every((id) => Number.parseInt(id, 16) < 0x80000000)).toBe(true);
    expect(duplicates(all(xml, /w14:textId="([^"]*)"/g))).toEqual([]);
  });

  it('a bookmark inside {#goals}: every copy has an id and a name of its own, each end matching its start', () => {
    const zip = rendered(bookmarkInLoopTemplate());
    const xml = text(zip, 'word/document.xml');
    const starts = [...xml.matchAll(/<w:bookmarkStart w:id="([^"]*)" w:name="([^"]*)"\/>/g)];
    expect(starts).toHaveLength(GOALS);
    expect(duplicates(starts.map((m) => m[1] ?? ''))).toEqual([]);
    expect(starts.map((m) => m[2])).toEqual(['_Toc150000001', '_Toc150000001_2', '_Toc150000001_3', '_Toc150000001_4']);
    // Each end follows its own start, before the next start.
    const sequence = all(xml, /<w:bookmark(?:Start|End) w:id="([^"]*)"/g);
    for (let i = 0; i < sequence.length; i += 2) expect(sequence[i + 1]).toBe(sequence[i]);
  });

  it('a template saved as .dotx and uploaded as ks.docx: accepted, and the output has the document content type', () => {
    const zip = rendered(dotxTemplate());
    const types = text(zip, '[Content_Types].xml');
    expect(types).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml');
    expect(types).not.toContain('template.main+xml');
  });

  it('a macro-enabled template (.dotm) is refused, saying how to save it as .docx', () => {
    expect(refusal(dotxTemplate(true))).toContain('Spara som › Word-dokument (*.docx)');
  });

  it('a package without word/document.xml is refused in plain Swedish, with and without headers', () => {
    for (const keepHeaders of [false, true]) {
      expect(refusal(missingDocumentTemplate(keepHeaders)), String(keepHeaders)).toContain(
        'Filen saknar själva dokumentet (word/document.xml)',
      );
    }
  });

  it('a relationship to a part that is not in the package is refused in plain Swedish', () => {
    expect(refusal(brokenRelationshipTemplate())).toContain(
      'hänvisar till delen media/image9.png, som inte finns i filen',
    );
  });
});
