/**
 * The valid value a person most likely meant by a near miss ("Pågånde", "Klar",
 * "Påbörjad"), for a "menade du …?" in the receipt. Only a suggestion: the value is
 * still refused, because guessing wrong would put a wrong status in the document.
 */

/** Words staff write for a status or an assessment, mapped to the valid value they mean. */
const SYNONYMS: Readonly<Record<string, string>> = {
  klar: 'Genomförd',
  klart: 'Genomförd',
  färdig: 'Genomförd',
  färdigt: 'Genomförd',
  avslutad: 'Genomförd',
  genomfört: 'Genomförd',
  påbörjad: 'Pågående',
  påbörjat: 'Pågående',
  pågår: 'Pågående',
  startad: 'Pågående',
  igång: 'Pågående',
  'ej startad': 'Ej påbörjad',
  'inte påbörjad': 'Ej påbörjad',
  'inte startad': 'Ej påbörjad',
  inställd: 'Avbruten',
  struken: 'Avbruten',
  uppfylld: 'Uppfyllt',
  uppnått: 'Uppfyllt',
  delvis: 'Delvis uppfyllt',
  'delvis uppfylld': 'Delvis uppfyllt',
  'ej uppfylld': 'Ej uppfyllt',
  'inte uppfyllt': 'Ej uppfyllt',
  'ej bedömd': 'Ej bedömt',
  'inte bedömt': 'Ej bedömt',
};

function normalize(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Levenshtein distance: the edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** The valid value closest to `text` (a known synonym, or at most two edits away), or undefined. */
export function nearestValue(text: string, valid: readonly string[]): string | undefined {
  const key = normalize(text);
  if (key === '' || key.length > 40) return undefined;
  const synonym = SYNONYMS[key];
  if (synonym !== undefined && valid.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const value of valid) {
    const d = editDistance(key, normalize(value));
    if (d < bestDistance) {
      bestDistance = d;
      best = value;
    }
  }
  return bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** `; menade du "Pågående"?` for a near miss, or '' for none. */
export function didYouMean(text: string, valid: readonly string[]): string {
  const near = nearestValue(text, valid);
  return near === undefined ? '' : ` Menade du "${near}"?`;
}
