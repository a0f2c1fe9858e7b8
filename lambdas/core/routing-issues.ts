/**
 * What staff read when an upload is refused for its name or place rather than its
 * content: a format the pipeline does not read, or a key outside the layout (of an
 * upload, a closure, a reopening or a template).
 * The routing itself is in `keys.ts` ({@link routeUploadKey}); this is its Swedish.
 */
import type { InputIssue } from './domain.js';
import {
  MAX_UPLOAD_NAME_LENGTH,
  type MisplacedProblem,
  type InputFolder,
  type RefusedFormat,
  type UploadNameProblem,
} from './keys.js';
import { ISSUE_CODES } from './parse/issues.js';

/** How to save a spreadsheet as .xlsx, in the menus of the programs staff have. */
const SAVE_AS_XLSX =
  'Öppna filen och spara den som Excel-arbetsbok (.xlsx): i Excel Arkiv → Spara som → Excel-arbetsbok (*.xlsx); ' +
  'i LibreOffice Arkiv → Spara som → filformat Excel 2007–365 (.xlsx). Ladda sedan upp den nya filen.';

const EXPORT_FROM_NUMBERS =
  'Öppna filen i Numbers och välj Arkiv → Exportera till → Excel, och ladda sedan upp .xlsx-filen.';

/** The refusal of a file by its format, before anything of it is read. */
export function unsupportedFormatIssue(file: string, format: RefusedFormat): InputIssue {
  // ".xlsm-fil" first: the extension is what a person sees in the file's name.
  const what = format.description
    ? `är en .${format.extension}-fil, alltså ${format.description}`
    : format.extension
      ? `är en .${format.extension}-fil, ett filformat som inte kan läsas`
      : 'saknar filändelse, så det går inte att se vilket format den har';
  const how = format.program === 'numbers' ? EXPORT_FROM_NUMBERS : SAVE_AS_XLSX;
  return {
    code: ISSUE_CODES.unsupportedFileType,
    message: `Filen "${file}" ${what}. Bara Excel-arbetsböcker (.xlsx) och CSV-filer (.csv) kan läsas. ${how}`,
    file,
    ...(format.extension ? { value: format.extension } : {}),
  };
}

const SEGMENTS = 'nämndens förkortning med små bokstäver, året med fyra siffror och T1, T2 eller T3';

/** Per folder: what the object is called in a sentence, what did not happen, and the layout. */
const FOLDERS: Record<InputFolder, { readonly what: string; readonly nothing: string; readonly layout: string }> = {
  uploads: {
    what: 'Filen',
    nothing: 'Inget från filen har sparats.',
    layout: `Uppladdningar ska ligga i uploads/{nämnd}/{år}/T{tertial}/{filnamn}, till exempel uploads/ks/2024/T1/aktiviteter.xlsx: ${SEGMENTS}, och filen direkt i den mappen.`,
  },
  closures: {
    what: 'Stängningen',
    nothing: 'Ingen tertial har stängts.',
    layout: `En stängning skrivs till closures/{nämnd}/{år}/T{tertial}, till exempel closures/ks/2024/T1, utan filändelse: ${SEGMENTS}. Kommandot tertial close ks 2024-T1 skriver den rätt.`,
  },
  templates: {
    what: 'Mallen',
    nothing: 'Den har inte kontrollerats, och den mall som gällde gäller fortfarande.',
    layout:
      'En nämnds mall ska heta templates/{nämnd}.docx, till exempel templates/ks.docx: nämndens förkortning och .docx, båda med små bokstäver, direkt i mappen templates. Mallen som laddas upp från tertialens statussida får rätt namn av sig själv.',
  },
  reopenings: {
    what: 'Öppningen',
    nothing: 'Ingen tertial har öppnats igen.',
    layout: `En öppning skrivs till reopenings/{nämnd}/{år}/T{tertial}, till exempel reopenings/ks/2024/T1, utan filändelse: ${SEGMENTS}. Kommandot tertial reopen ks 2024-T1 skriver den rätt.`,
  },
};

const NAME_PROBLEMS: Record<UploadNameProblem, string> = {
  empty: 'filnamnet saknas',
  too_long: `filnamnet är längre än ${MAX_UPLOAD_NAME_LENGTH} tecken`,
  leading_dot: 'filnamnet börjar med en punkt (sådana filer är dolda eller tillfälliga)',
  control_character: 'filnamnet innehåller osynliga styrtecken',
  reserved: 'filnamnet är reserverat för tertialens egna kvitton; lägg till en filändelse, till exempel .xlsx',
};

function problemText(problem: MisplacedProblem, folder: InputFolder): string {
  switch (problem.code) {
    case 'depth':
      if (folder !== 'uploads')
        return problem.segments < problem.expected
          ? 'nämnd, år eller tertial saknas i namnet'
          : 'namnet har fler delar än nämnd, år och tertial';
      return problem.segments < problem.expected
        ? 'filen ligger för högt upp: mappar för nämnd, år och tertial saknas'
        : 'filen ligger i en undermapp; lägg den direkt i tertialens mapp';
    case 'committee':
      return `"${problem.committee}" är inte en nämnds förkortning (högst 32 tecken: små bokstäver a–z, siffror och bindestreck)${
        problem.suggestion ? `; menade du "${problem.suggestion}"?` : ''
      }`;
    case 'year':
      return `"${problem.year}" är inte ett år mellan 2000 och 2100`;
    case 'tertial':
      return `"${problem.tertial}" är inte en tertial (T1, T2 eller T3)${problem.suggestion ? `; menade du "${problem.suggestion}"?` : ''}`;
    case 'name':
      return NAME_PROBLEMS[problem.problem];
    case 'template':
      return `"${problem.name}" är inte ett mallnamn${problem.suggestion ? `; menade du "${problem.suggestion}"?` : ''}`;
  }
}

/** The one issue of a misplaced upload's, closure's, reopening's or template's receipt: what is wrong with its key, and the layout. */
export function misplacedIssue(key: string, problem: MisplacedProblem, folder: InputFolder = 'uploads'): InputIssue {
  const { what, nothing, layout } = FOLDERS[folder];
  const problemSentence = problemText(problem, folder);
  // A question ("menade du "ks"?") ends its own sentence.
  const end = problemSentence.endsWith('?') ? '' : '.';
  return {
    code: 'misplaced_key',
    message: `${what} "${key}" ligger inte där den kan läsas: ${problemSentence}${end} ${nothing} ${layout}`,
    file: key,
  };
}
