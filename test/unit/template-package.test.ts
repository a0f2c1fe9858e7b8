/**
 * Templates that cost too much or reach outside the document are refused at upload,
 * before anything inflates, renders or converts them.
 */
import { describe, expect, it } from 'vitest';
import { checkTemplate } from '../../lambdas/core/render.js';
import { MAX_TEMPLATE_PART_BYTES } from '../../lambdas/core/template-package.js';
import {
  doctypeTemplate,
  externalRelationshipTemplate,
  fieldTemplate,
  lyingSizeTemplate,
  nestedLoopTemplate,
  oversizedDocumentTemplate,
  templateWithBody,
  p,
} from '../fixtures/crafted-templates.js';

const FILE = 'templates/ks.docx';

function refusal(template: Uint8Array): string {
  const result = checkTemplate(template, FILE);
  if (result.ok) throw new Error('expected the template to be refused');
  expect(result.errors.every((e) => e.code === 'invalid_template' && e.file === FILE)).toBe(true);
  return result.errors.map((e) => e.message).join('\n');
}

describe('template package – a small file must not cost minutes or gigabytes', () => {
  it('10.5: a 650 KB template whose document.xml inflates to 640 MiB of spaces is refused from its declared size, before anything inflates it', () => {
    const template = oversizedDocumentTemplate(640);
    expect(template.byteLength).toBeLessThan(1024 * 1024);
    // The message comes from the declared size in the central directory: nothing was inflated
    // (time and peak memory of this refusal are in `npm run bench`).
    const message = refusal(template);
    expect(message).toMatch(/word\/document\.xml/);
    expect(message).toMatch(/640 MiB uppackad/);
  });

  it('10.5: a part filled to more than 100 times its compressed size is refused even within the size limits', () => {
    const message = refusal(oversizedDocumentTemplate(8));
    expect(message).toMatch(/word\/document\.xml i mallen packas upp till \d+ gånger/);
  });

  it('10.5: a part that declares 60 KB and inflates to 64 MiB is stopped at its declared size', () => {
    const message = refusal(lyingSizeTemplate(60_000));
    expect(message).toMatch(/zip-arkivet är skadat/);
  });

  it('the limits are those the README names', () => {
    expect(MAX_TEMPLATE_PART_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe('template package – a loop nested inside a loop over the same list', () => {
  it('10.6: {#goals} nested in itself ten times is refused, naming both loops', () => {
    const message = refusal(nestedLoopTemplate(10));
    expect(message).toContain('Avsnittet {#goals} står inuti avsnittet {#goals}');
    expect(message).toContain('flytta {#goals} … {/goals} utanför');
  });

  it('10.6: {#goals} nested once inside {#goals} is refused as well', () => {
    expect(refusal(nestedLoopTemplate(2))).toContain('{#goals} står inuti avsnittet {#goals}');
  });

  it('a top-level list inside another list is refused: it would repeat the whole list per item', () => {
    const template = templateWithBody(
      p('{#goals}') + p('{#changes}') + p('{changeText}') + p('{/changes}') + p('{/goals}'),
    );
    expect(refusal(template)).toContain('Avsnittet {#changes} står inuti avsnittet {#goals}');
  });

  it('a list inside the item it belongs to, and conditions from outer scopes, stay allowed', () => {
    const template = templateWithBody(
      p('{#goals}') +
        p('{goalHeading} {#hasComparison}{previousPeriodLabel}{/hasComparison}') +
        p('{#activities}') +
        p('{activityTitle} {committeeName}') +
        p('{/activities}') +
        p('{/goals}'),
    );
    expect(checkTemplate(template, FILE)).toMatchObject({ ok: true });
  });
});

describe('template package – a template must not reach outside the document', () => {
  it('10.7: an image linked to http:// is refused (LibreOffice would fetch it while converting)', () => {
    const message = refusal(externalRelationshipTemplate('image', 'http://169.254.169.254/latest/meta-data/'));
    expect(message).toContain(
      'word/document.xml hänvisar till något utanför dokumentet (image: http://169.254.169.254/latest/meta-data/)',
    );
  });

  it('10.7: an image linked to file:///etc/passwd is refused (it would be embedded in the published PDF)', () => {
    expect(refusal(externalRelationshipTemplate('image', 'file:///etc/passwd'))).toContain(
      '(image: file:///etc/passwd)',
    );
  });

  it('10.7: external frames, sub-documents, OLE links and attached templates are refused', () => {
    for (const kind of ['frame', 'subDocument', 'oleObject'] as const) {
      expect(refusal(externalRelationshipTemplate(kind, 'http://example.com/x')), kind).toContain(
        `(${kind}: http://example.com/x)`,
      );
    }
    expect(refusal(externalRelationshipTemplate('attachedTemplate', 'file:///C:/mallar/normal.dotm'))).toContain(
      'word/settings.xml hänvisar till något utanför',
    );
  });

  it('an external hyperlink is allowed', () => {
    expect(checkTemplate(externalRelationshipTemplate('hyperlink', 'https://www.ange.se/'), FILE)).toMatchObject({
      ok: true,
    });
  });

  it('10.7: INCLUDEPICTURE, INCLUDETEXT, LINK and DDE fields are refused, not stripped, and the receipt says so', () => {
    const cases: [string, string][] = [
      ['INCLUDEPICTURE "http://example.com/x.png" \\d', 'INCLUDEPICTURE'],
      ['INCLUDETEXT "file:///etc/passwd"', 'INCLUDETEXT'],
      ['LINK Excel.Sheet.8 "C:\\\\data.xls" "Blad1!R1C1"', 'LINK'],
      ['DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"', 'DDEAUTO'],
      ['includepicture "http://example.com/y.png"', 'INCLUDEPICTURE'],
    ];
    for (const [code, field] of cases) {
      const message = refusal(fieldTemplate(code));
      expect(message, code).toContain(`innehåller fältet ${field}`);
      expect(message, code).toContain('det tas inte bort åt dig');
    }
  });

  it('ordinary fields (PAGE, NUMPAGES, HYPERLINK) are allowed', () => {
    for (const code of ['PAGE', 'NUMPAGES \\* MERGEFORMAT', 'HYPERLINK "https://www.ange.se/"']) {
      expect(checkTemplate(fieldTemplate(code), FILE), code).toMatchObject({ ok: true });
    }
  });
});

describe('template package – a DOCTYPE in any part', () => {
  it('10.8: a DOCTYPE in word/_rels/document.xml.rels, document.xml, styles.xml or [Content_Types].xml is refused, naming the part', () => {
    for (const part of [
      'word/_rels/document.xml.rels',
      'word/document.xml',
      'word/styles.xml',
      '[Content_Types].xml',
    ]) {
      expect(refusal(doctypeTemplate(part)), part).toContain(`Delen ${part} i mallen har en DOCTYPE-deklaration`);
    }
  });

  it('10.8: a DOCTYPE in a part written in UTF-16, with or without its byte order mark, is refused as well', () => {
    for (const encoding of ['utf-16le', 'utf-16le-no-bom'] as const) {
      for (const part of ['word/_rels/document.xml.rels', 'word/styles.xml']) {
        expect(refusal(doctypeTemplate(part, encoding)), `${part} ${encoding}`).toContain(
          `Delen ${part} i mallen har en DOCTYPE-deklaration`,
        );
      }
    }
  });
});
