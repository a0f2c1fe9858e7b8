/**
 * Row heights for wrapped text, shared by the staff workbook (workbook.ts) and the
 * marked-up copy of a refused workbook (annotate.ts).
 */

/** Points per line of 11-point text, as Excel and LibreOffice lay it out. */
const LINE_HEIGHT = 15;

/**
 * A row height that shows every line of the given cells' wrapped text (estimated from
 * the column width), or undefined for one line. Neither Excel nor LibreOffice fits a
 * row's height to wrapped text when it opens a file, only when a cell is edited, so
 * pre-filled text taller than one line needs its height written.
 */
export function wrappedRowHeight(cells: readonly { text: string; width: number }[]): number | undefined {
  let lines = 1;
  for (const { text, width } of cells) {
    // A column `width` fits about that many digits; ordinary text a little less.
    const perLine = Math.max(1, Math.floor(width * 0.95) - 2);
    const count = text
      .split('\n')
      .reduce((sum, paragraph) => sum + Math.max(1, Math.ceil(paragraph.length / perLine)), 0);
    lines = Math.max(lines, count);
  }
  return lines > 1 ? lines * LINE_HEIGHT + 3 : undefined;
}
