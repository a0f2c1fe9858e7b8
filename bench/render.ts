/**
 * Render: the project's assemble step (view model + template + zip) against bare
 * docxtemplater on the same template and view, and against the floor.
 *
 * - tertial: `buildReport` + `renderReport` with the default template, as the assemble
 *   Lambda runs them (template compiled and checked against the view model, the
 *   `nullGetter` that refuses missing values, the title property, the zip via node:zlib);
 * - docxtemplater: `new Docxtemplater(new PizZip(template), { paragraphLoop: true })`,
 *   `render(view)` with the view tertial built, and pizzip's `generate()` with DEFLATE
 *   (pako), as docxtemplater's documentation writes it;
 * - floor: bench/render-floor.ts (the same content, the template's decorations left out;
 *   the output sizes are reported next to the times).
 *
 * Before timing, two checks: all three write every activity in a table row of its own,
 * and the project's document is the document docxtemplater itself writes with the
 * project's options (the rendering before loops were compiled): the same paragraphs with
 * the same text, and the same tables with the same rows and cells, in every templated part.
 */
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { KS_CONFIG } from '../lambdas/core/committee.js';
import { renderReport } from '../lambdas/core/render.js';
import { loadDefaultTemplate } from '../lambdas/runtime/default-template.js';
import { buildReport, type ReportView } from '../lambdas/core/report.js';
import { reportContent } from './lib/data.js';
import { interleave, median, medianRatio, type Samples } from './lib/measure.js';
import { floorRenderer } from './render-floor.js';
import { docxtemplaterAlone } from './lib/docxtemplater.js';

export interface RenderCase {
  readonly rows: number;
  readonly goals: number;
  readonly rounds: number;
  readonly tertial_ms: number;
  readonly docxtemplater_ms: number;
  readonly floor_ms: number;
  /** Medians of the per-round ratios. */
  readonly tertial_vs_docxtemplater: number;
  readonly tertial_vs_floor: number;
  /** Output sizes (bytes): the whole .docx and its word/document.xml, per variant. */
  readonly docx_bytes: { readonly tertial: number; readonly docxtemplater: number; readonly floor: number };
  readonly document_xml_bytes: { readonly tertial: number; readonly docxtemplater: number; readonly floor: number };
  readonly samples: Samples;
}

const PERIOD = { committee: 'ks', year: 2023, tertial: 3 } as const;

function bareDocxtemplater(template: Uint8Array, view: ReportView): Uint8Array {
  const doc = new Docxtemplater(new PizZip(template), { paragraphLoop: true });
  doc.render(view);
  return doc.getZip().generate({ type: 'uint8array', compression: 'DEFLATE' });
}

function documentXml(docx: Uint8Array): string {
  return new PizZip(docx).file('word/document.xml')?.asText() ?? '';
}

/**
 * A templated part's document structure: each paragraph's text, and each table as rows
 * of cells (a cell's paragraphs' text), in document order.
 */
export function documentStructure(xml: string): string[] {
  const out: string[] = [];
  const token =
    /<w:tbl>|<\/w:tbl>|<w:tr[ >]|<\/w:tr>|<w:tc[ >]|<\/w:tc>|<w:p(?:\s[^>]*)?\/>|<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g;
  for (const m of xml.matchAll(token)) {
    const t = m[0];
    if (!t.startsWith('<w:p')) {
      out.push(t.replace(/[ >]$/, '>'));
      continue;
    }
    const inner = (m[1] ?? '').replace(/<w:pPr>[\s\S]*?<\/w:pPr>|<w:rPr>[\s\S]*?<\/w:rPr>/g, '');
    out.push(`¶${[...inner.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join('')}`);
  }
  return out;
}

function sameDocument(a: Uint8Array, b: Uint8Array): string | undefined {
  const za = new PizZip(a);
  const zb = new PizZip(b);
  const parts = Object.keys(za.files).filter((n) => /^word\/(document|header\d*|footer\d*)\.xml$/.test(n));
  for (const name of parts) {
    const sa = documentStructure(za.file(name)?.asText() ?? '');
    const sb = documentStructure(zb.file(name)?.asText() ?? '');
    const at = sa.findIndex((x, i) => x !== sb[i]);
    if (at !== -1 || sa.length !== sb.length)
      return `${name}: differs at item ${at === -1 ? Math.min(sa.length, sb.length) : at} (${sa[at] ?? '(end)'} vs ${sb[at] ?? '(end)'})`;
  }
  return parts.length === 0 ? 'no templated parts' : undefined;
}

export async function benchRender(rows: number, rounds: number): Promise<RenderCase> {
  const template = loadDefaultTemplate();
  const content = reportContent(rows);
  const input = { period: PERIOD, config: KS_CONFIG, uploads: [{ name: 'aktiviteter.xlsx', content }], closure: {} };
  const view = buildReport(input).view;
  const floor = floorRenderer(template);

  const tertial = (): Uint8Array => renderReport(template, buildReport(input).view);
  const docxtemplater = (): Uint8Array => bareDocxtemplater(template, view);
  const floorRender = (): Uint8Array => floor(view);

  // The three must write the same report: every activity in a table row of its own. (The
  // floor writes the report's content, not the template's decorations: compare the sizes.)
  const outputs = { tertial: tertial(), docxtemplater: docxtemplater(), floor: floorRender() };
  const xml = {
    tertial: documentXml(outputs.tertial),
    docxtemplater: documentXml(outputs.docxtemplater),
    floor: documentXml(outputs.floor),
  };
  const activities = view.goals.flatMap((g) => g.activities);
  const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const probes = [activities[0], activities[activities.length - 1]].map((a) => escape(a?.activityTitle ?? ''));
  for (const [name, s] of Object.entries(xml)) {
    const tableRows = s.split('<w:tr>').length + s.split('<w:tr ').length - 2;
    if (tableRows < activities.length || probes.some((p) => !s.includes(p))) {
      throw new Error(
        `render ${name}: ${tableRows} table rows for ${activities.length} activities, or an activity is missing`,
      );
    }
  }

  const before = docxtemplaterAlone(template, view).generate({ type: 'uint8array', compression: 'DEFLATE' });
  const difference = sameDocument(outputs.tertial, before);
  if (difference)
    throw new Error(`render tertial: not the document docxtemplater writes with the project's options: ${difference}`);

  const samples = await interleave({ tertial, docxtemplater, floor: floorRender }, { rounds, warmup: 1 });
  const t = samples.tertial ?? [];
  const d = samples.docxtemplater ?? [];
  const f = samples.floor ?? [];
  return {
    rows,
    goals: view.goals.length,
    rounds,
    tertial_ms: median(t),
    docxtemplater_ms: median(d),
    floor_ms: median(f),
    tertial_vs_docxtemplater: medianRatio(t, d),
    tertial_vs_floor: medianRatio(t, f),
    docx_bytes: {
      tertial: outputs.tertial.length,
      docxtemplater: outputs.docxtemplater.length,
      floor: outputs.floor.length,
    },
    document_xml_bytes: {
      tertial: Buffer.byteLength(xml.tertial),
      docxtemplater: Buffer.byteLength(xml.docxtemplater),
      floor: Buffer.byteLength(xml.floor),
    },
    samples,
  };
}
