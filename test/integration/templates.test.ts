/**
 * A committee's own template: checked when uploaded, refused with a receipt when
 * broken (the previous one stays in force), used by the next close when accepted.
 */
import PizZip from 'pizzip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closureKey, documentKey, templateReceiptKey, uploadKey } from '../../lambdas/core/keys.js';
import type { TemplateReceipt } from '../../lambdas/core/receipt.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import {
  doctypeTemplate,
  externalRelationshipTemplate,
  nestedLoopTemplate,
  oversizedDocumentTemplate,
} from '../fixtures/crafted-templates.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { simpleWorkbook } from '../helpers/workbook.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { faultyDynamoHandler } from '../helpers/faults.js';
import { makeAssembleHandler } from '../../lambdas/assemble/handler.js';
import { silentLog } from '../../lambdas/core/log.js';
import { createClients } from '../../lambdas/storage/clients.js';
import { s3ObjectStore } from '../../lambdas/storage/objects.js';
import { PeriodRepository } from '../../lambdas/storage/repository.js';

const nextSequencer = sequencers();

let stack: TestStack;

/** The default template (or `template`) with one piece of its XML replaced (a pattern: every match). */
function editedTemplate(from: string | RegExp, to: string, template = loadDefaultTemplate()): Uint8Array {
  const zip = new PizZip(template);
  const xml = zip.file('word/document.xml')?.asText() ?? '';
  expect(xml).toMatch(from);
  zip.file('word/document.xml', typeof from === 'string' ? xml.replace(from, to) : xml.replaceAll(from, to));
  return zip.generate({ type: 'uint8array' });
}

async function uploadTemplate(committee: string, bytes: Uint8Array): Promise<TemplateReceipt> {
  await stack.put(`templates/${committee}.docx`, bytes);
  await stack.idle();
  return (await stack.outputJson<TemplateReceipt>(templateReceiptKey(committee))) as TemplateReceipt;
}

async function closeWithOneActivity(committee: string, tertial: 1 | 2 | 3): Promise<string[]> {
  const period = { committee, year: 2024, tertial };
  await stack.put(
    uploadKey(period, 'a.xlsx'),
    await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [{ title: 'En aktivitet', status: 'Pågående' }]),
  );
  await stack.idle();
  await stack.put(closureKey(period), '');
  await stack.idle();
  const bytes = await stack.output(documentKey(period));
  expect(bytes).toBeDefined();
  return docxParagraphs(bytes as Uint8Array);
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.dispose();
});

describe('committee templates', () => {
  it('uses an accepted template, refuses a broken one with docxtemplater’s explanation, and keeps the accepted one in force', async () => {
    const own = editedTemplate('Förslag till beslut', 'Förslag till beslut (nämndens egen mall)');
    const accepted = await uploadTemplate('mall', own);
    expect(accepted.status).toBe('accepted');
    expect(accepted.warnings).toEqual([]);
    expect(await closeWithOneActivity('mall', 1)).toContain('Förslag till beslut (nämndens egen mall)');

    const unknownTag = await uploadTemplate('mall', editedTemplate('{reportTitle}', '{rapportensTitel}'));
    expect(unknownTag.status).toBe('rejected');
    expect(unknownTag.errors.map((e) => e.message).join(' ')).toContain('rapportensTitel');
    expect(unknownTag.message).toMatch(/tidigare godkända mallen gäller fortfarande/);

    const unclosed = await uploadTemplate('mall', editedTemplate('{reportTitle}', '{reportTitle'));
    expect(unclosed.status).toBe('rejected');
    expect(unclosed.errors.length).toBeGreaterThan(0);

    // The next close still uses the accepted template, not the broken upload.
    expect(await closeWithOneActivity('mall', 2)).toContain('Förslag till beslut (nämndens egen mall)');
  });

  it('accepts a template that lost its captions, a header row and a heading style "med varningar" saying what to do, and uses it', async () => {
    const committee = 'varning';
    // As LibreOffice saves it (no captions), the first table's header row unmarked, and
    // "Förslag till beslut" bold 14 pt Normal text instead of Heading 1.
    const lossy = editedTemplate(
      '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">Förslag till beslut</w:t></w:r></w:p>',
      '<w:p><w:r><w:rPr><w:b/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">Förslag till beslut</w:t></w:r></w:p>',
      editedTemplate(
        '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
        '<w:tr><w:trPr><w:cantSplit/></w:trPr>',
        editedTemplate(/<w:tblCaption w:val="[^"]*"\/>/g, ''),
      ),
    );
    const receipt = await uploadTemplate(committee, lossy);
    expect(receipt.status).toBe('accepted');
    expect(receipt.errors).toEqual([]);
    expect(receipt.message).toBe(
      `Mallen "templates/${committee}.docx" är godkänd med varningar och används när nästa tertial stängs. 7 varningar, se nedan: ` +
        'mallen saknar något som standardmallen har för den som läser dokumentet med skärmläsare. Rätta mallen och ladda upp den igen före stängningen.',
    );
    expect(receipt.warnings.map((w) => w.code)).toEqual([
      'missing_heading_style',
      'missing_table_caption',
      'missing_header_row',
      ...Array(4).fill('missing_table_caption'),
    ]);
    const text = receipt.warnings.map((w) => w.message).join('\n');
    expect(text).toContain('Stycket "Förslag till beslut" har formatmallen Rubrik 1 (Heading 1) i standardmallen');
    expect(text).toContain(
      'Tabell 1 (den med {#assessmentSummary}, under rubriken "Måluppfyllelse i sammandrag") saknar rubrik',
    );
    expect(text).toContain('Tabellegenskaper > Alternativ text > Rubrik (i standardmallen "Antal mål per bedömning")');
    expect(text).toContain(
      'första raden (kolumnrubrikerna Bedömning, Antal mål) är inte längre markerad som rubrikrad',
    );
    expect(text).toContain('Tabellegenskaper > Rad > Upprepa som rubrikrad överst på varje sida');
    expect(receipt.warnings.every((w) => w.file === `templates/${committee}.docx`)).toBe(true);

    // In force: the close renders with it (its header row is no longer a repeated header).
    const paragraphs = await closeWithOneActivity(committee, 1);
    expect(paragraphs).toContain('Förslag till beslut');
    expect(paragraphs).toContain('En aktivitet');
    const document = new PizZip((await stack.output(documentKey({ committee, year: 2024, tertial: 1 }))) as Uint8Array)
      .file('word/document.xml')
      ?.asText();
    expect(document).not.toContain('<w:tblCaption');
  });

  it('a template replaced during a close does not change that close’s document', async () => {
    const committee = 'byte';
    const period = { committee, year: 2024, tertial: 1 as const };
    expect(
      (await uploadTemplate(committee, editedTemplate('Förslag till beslut', 'Förslag till beslut (mall A)'))).status,
    ).toBe('accepted');
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [{ title: 'En aktivitet', status: 'Pågående' }]),
    );
    await stack.idle();

    // The close has read its inputs (the template among them) when it first writes to the
    // table; at exactly that point, template B is uploaded and accepted.
    let replaced = false;
    const { handler } = faultyDynamoHandler(stack.config.dynamodbEndpoint as string, {
      before: async (operation) => {
        if (operation !== 'UpdateItem' || replaced) return;
        replaced = true;
        expect(
          (await uploadTemplate(committee, editedTemplate('Förslag till beslut', 'Förslag till beslut (mall B)')))
            .status,
        ).toBe('accepted');
      },
    });
    const clients = createClients(stack.config, { dynamoRequestHandler: handler });
    const runtime = {
      config: stack.config,
      clients,
      objects: s3ObjectStore(clients.s3),
      repo: new PeriodRepository(clients.dynamo, stack.config.tableName),
      notify: stack.runtime.notify,
    };
    stack.setDelivery(false);
    await stack.put(closureKey(period), '');
    stack.setDelivery(true);
    expect(
      await makeAssembleHandler(
        runtime,
        silentLog,
      )(s3Event(stack.config.uploadsBucket, closureKey(period), nextSequencer())),
    ).toEqual(['closed']);
    expect(replaced).toBe(true);

    const paragraphs = docxParagraphs((await stack.output(documentKey(period))) as Uint8Array);
    expect(paragraphs).toContain('Förslag till beslut (mall A)');
    expect(paragraphs).not.toContain('Förslag till beslut (mall B)');
    // The next close uses template B.
    expect(await closeWithOneActivity(committee, 2)).toContain('Förslag till beslut (mall B)');
  });

  it('refuses a file that is not a Word document at all, and the default template stays in force', async () => {
    const receipt = await uploadTemplate('trasig', new TextEncoder().encode('%PDF-1.7 not a docx'));
    expect(receipt.status).toBe('rejected');
    expect(receipt.message).toMatch(/Standardmallen gäller fortfarande/);
    const paragraphs = await closeWithOneActivity('trasig', 1);
    expect(paragraphs).toContain('Förslag till beslut');
    expect(paragraphs).toContain('En aktivitet');
  });

  it('refuses a template that nests a loop in itself, links an image or has a DOCTYPE, and the accepted one stays in force', async () => {
    const committee = 'fientlig';
    expect(
      (await uploadTemplate(committee, editedTemplate('Förslag till beslut', 'Förslag till beslut (godkänd mall)')))
        .status,
    ).toBe('accepted');
    const hostile: [Uint8Array, string][] = [
      [nestedLoopTemplate(10), 'står inuti avsnittet {#goals}'],
      [externalRelationshipTemplate('image', 'file:///etc/passwd'), 'utanför dokumentet'],
      [doctypeTemplate('word/_rels/document.xml.rels'), 'DOCTYPE'],
      [oversizedDocumentTemplate(640), '640 MiB'],
    ];
    for (const [bytes, expected] of hostile) {
      const receipt = await uploadTemplate(committee, bytes);
      expect(receipt.status, expected).toBe('rejected');
      expect(receipt.errors.map((e) => e.message).join(' '), expected).toContain(expected);
      expect(receipt.message).toMatch(/tidigare godkända mallen gäller fortfarande/);
    }
    expect(await closeWithOneActivity(committee, 1)).toContain('Förslag till beslut (godkänd mall)');
  });
});
