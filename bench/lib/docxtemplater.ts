/** docxtemplater on its own, as the project's render is measured and checked against. */
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import type { ReportView } from '../../lambdas/core/report.js';

/**
 * Renders `view` with docxtemplater alone, with the options renderReport gives it but
 * none of its modules (no compiled loops, no tag collection): renderReport as it was
 * before its loops were compiled.
 */
export function docxtemplaterAlone(template: Uint8Array, view: ReportView): PizZip {
  const doc = new Docxtemplater(new PizZip(template), {
    paragraphLoop: true,
    linebreaks: false,
    stripInvalidXMLChars: true,
    errorLogging: false,
  });
  doc.render(view);
  return doc.getZip() as PizZip;
}
