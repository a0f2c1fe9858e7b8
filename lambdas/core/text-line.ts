/**
 * What a short text the document prints on one line may contain (a case number, a
 * committee's name, a focus area): printable characters only. A control character or
 * NUL is invisible in Word and breaks the XML of some readers; U+2028/U+2029 start a
 * new line where a line was promised; a bidi override or isolate (U+202A–U+202E,
 * U+2066–U+2069, and the marks U+200E/U+200F) makes a case number read differently
 * from how it is stored ("KS 2024/12" shown as "21/4202 SK"); a lone surrogate is not
 * text at all. Pure, shared by the closure and the committee settings.
 */

/** Why `s` is not one printable line, as a Swedish clause ("innehåller …"); undefined when it is. */
export function printableLineProblem(s: string, options: { readonly paragraphs?: boolean } = {}): string | undefined {
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0) return 'innehåller ett NUL-tecken (U+0000)';
    if (cp === 0x0a && options.paragraphs) continue;
    if (cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029 || cp === 0x85)
      return `innehåller en radbrytning (${codePoint(cp)})`;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `innehåller ett styrtecken (${codePoint(cp)})`;
    if (
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069) ||
      cp === 0x200e ||
      cp === 0x200f ||
      cp === 0x061c
    ) {
      return `innehåller ett tecken som vänder textens riktning (${codePoint(cp)})`;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) return `innehåller ett ofullständigt tecken (${codePoint(cp)})`;
    if (cp === 0xfffe || cp === 0xffff) return `innehåller ett tecken som inte är text (${codePoint(cp)})`;
  }
  return undefined;
}

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** At most this much of a refused value is quoted back in a receipt: enough to find it, never the 5 MB that was sent. */
export const MAX_QUOTED_VALUE = 80;

/**
 * A refused value as a receipt may quote it: what {@link printableLineProblem} refuses
 * shown as `U+XXXX` (so the receipt itself is not turned around or cut), at most
 * {@link MAX_QUOTED_VALUE} characters.
 */
export function quotedValue(s: string): string {
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (count >= MAX_QUOTED_VALUE) return `${out}…`;
    out += printableLineProblem(ch) === undefined ? ch : `[${codePoint(ch.codePointAt(0) as number)}]`;
    count++;
  }
  return out;
}
