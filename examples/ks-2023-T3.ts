/**
 * Example data for kommunstyrelsen (ks), 2023, tertial 3: the goals and activities that
 * examples/build-examples.ts writes into the two example workbooks. The case texts are in
 * reference-texts.ts. Goals and activities are illustrative, not the published ones (the
 * published document's goal section is not part of the reference text).
 */
import type { Activity, ActivityStatus, Assessment, CaseSection, Goal, UploadContent } from '../lambdas/core/domain.js';
import { CONSIDERATIONS, FOCUS_AREA_TEXTS, PROPOSALS, SUMMARY } from './reference-texts.js';

export const EXAMPLE_PERIOD = { committee: 'ks', year: 2023, tertial: 3 } as const;

export const CASE_WORKBOOK = 'ks-2023-T3-mal-och-arende.xlsx';
export const ACTIVITIES_WORKBOOK = 'ks-2023-T3-aktiviteter.xlsx';

export interface ExampleGoal {
  readonly id: string;
  readonly title: string;
  readonly assessment: Assessment;
  readonly motivation: string;
  readonly focusArea: string;
}

export interface ExampleActivity {
  /** As written in the `Mål` column: the goal's id or its title. */
  readonly goal: string;
  readonly title: string;
  readonly responsible: string;
  readonly status: ActivityStatus;
  /** `\n` is a line break in the cell: a new paragraph in the document. */
  readonly comment: string;
  /** Which workbook's `Aktiviteter` sheet holds the row. */
  readonly workbook: typeof CASE_WORKBOOK | typeof ACTIVITIES_WORKBOOK;
}

export const GOALS: readonly ExampleGoal[] = [
  {
    id: 'KS1',
    title: 'Ekonomi i balans',
    assessment: 'Delvis uppfyllt',
    motivation:
      'Kommunen redovisar ett positivt resultat för 2023, men flera verksamheter visar underskott mot budget. ' +
      'Den månatliga budgetuppföljningen har fått genomslag och behöver utvecklas vidare under 2024.',
    focusArea: 'Hållbar vardag',
  },
  {
    id: 'KS2',
    title: 'Kommunen är en attraktiv arbetsgivare',
    assessment: 'Delvis uppfyllt',
    motivation:
      'Sjukfrånvaron har minskat jämfört med 2022 och medarbetarenkäten visar ett högre index för hållbart ' +
      'medarbetarengagemang. Rekryteringsläget inom vård, omsorg och skola är fortsatt ansträngt.',
    focusArea: 'Hållbar kompetens',
  },
  {
    id: 'KS3',
    title: 'Ökad delaktighet och dialog med invånarna',
    assessment: 'Uppfyllt',
    motivation:
      'Kontaktcenter har införts och medborgardialogerna om översiktsplanen samlade fler deltagare än väntat. ' +
      'De aktiviteter som återstår fortsätter inom ordinarie verksamhet.',
    focusArea: 'Hållbar gemenskap',
  },
  {
    id: 'KS4',
    title: 'Ett gott företagsklimat',
    assessment: 'Delvis uppfyllt',
    motivation:
      'Handläggningstiderna för bygglov har kortats och företagsbesöken har genomförts enligt plan. ' +
      'Företagens samlade omdöme om kommunen har ännu inte förbättrats.',
    focusArea: 'Hållbar vardag',
  },
  {
    id: 'KS5',
    title: 'Minskad klimatpåverkan från kommunens verksamheter',
    assessment: 'Ej uppfyllt',
    motivation:
      'Energikartläggningen av fastigheterna är försenad och omställningen av fordonsparken har inte kommit igång. ' +
      'Klimatkrav i upphandlingar är infört, men det räcker inte för att målet ska anses uppfyllt för 2023.',
    focusArea: 'Hållbar natur',
  },
];

export const ACTIVITIES: readonly ExampleActivity[] = [
  // The case workbook's own Aktiviteter sheet (every workbook needs one).
  {
    goal: 'KS5',
    title: 'Energikartlägga kommunens fastigheter',
    responsible: 'Fastighetschef',
    status: 'Pågående',
    comment:
      'Kartläggningen är klar för 12 av 30 fastigheter. Förseningen beror på vakanser inom fastighetsavdelningen.',
    workbook: CASE_WORKBOOK,
  },
  {
    goal: 'KS5',
    title: 'Ersätta kommunens personbilar med fossilfria alternativ',
    responsible: 'Teknisk chef',
    status: 'Ej påbörjad',
    comment: 'Upphandlingen av fordon har skjutits upp till 2024 i väntan på en ny fordonspolicy.',
    workbook: CASE_WORKBOOK,
  },
  {
    goal: 'KS5',
    title: 'Ställa klimatkrav i upphandlingar',
    responsible: 'Upphandlingssamordnare',
    status: 'Genomförd',
    comment: 'Klimatkrav ställs sedan juni i samtliga upphandlingar av livsmedel och transporter.',
    workbook: CASE_WORKBOOK,
  },

  // The activities workbook.
  {
    goal: 'KS1',
    title: 'Införa månatlig budgetuppföljning i samtliga verksamheter',
    responsible: 'Ekonomichef',
    status: 'Genomförd',
    comment: 'Månadsuppföljning infördes i april. Samtliga verksamhetschefer lämnar prognos i ekonomisystemet.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS1',
    title: 'Ta fram en investeringsplan för 2024–2028',
    responsible: 'Ekonomichef',
    status: 'Genomförd',
    comment: 'Investeringsplanen antogs av kommunfullmäktige i november tillsammans med budgeten.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS1',
    title: 'Se över kommunens lokalbehov',
    responsible: 'Fastighetschef',
    status: 'Pågående',
    comment:
      'Inventeringen av verksamhetslokaler är klar.\nEtt förslag om att avyttra två fastigheter bereds till våren 2024.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS1',
    title: 'Stärka internkontrollen av inköp',
    responsible: 'Upphandlingssamordnare',
    status: 'Pågående',
    comment: 'Stickprov på avtalstrohet görs varje kvartal. Rutinen för direktupphandling har reviderats.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS2',
    title: 'Genomföra medarbetarenkät',
    responsible: 'HR-chef',
    status: 'Genomförd',
    comment:
      'Enkäten genomfördes i oktober med 78 procents svarsfrekvens. Resultatet har återkopplats på arbetsplatsträffar.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS2',
    title: 'Införa heltid som norm inom vård och omsorg',
    responsible: 'HR-chef',
    status: 'Pågående',
    comment: 'Andelen heltidsanställda har ökat från 64 till 71 procent. Arbetet fortsätter enligt den antagna planen.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS2',
    title: 'Ta fram en plan för kompetensförsörjning',
    responsible: 'HR-chef',
    status: 'Pågående',
    comment: 'Ett utkast har skickats på remiss till de fackliga organisationerna.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS2',
    title: 'Ledarutvecklingsprogram för första linjens chefer',
    responsible: 'Kommunchef',
    status: 'Ej påbörjad',
    comment: 'Programmet har flyttats till 2024 eftersom den nya organisationen behövde komma på plats först.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS2',
    title: 'Förebygga sjukfrånvaro med tidiga insatser',
    responsible: 'HR-chef',
    status: 'Genomförd',
    comment: 'Tidiga rehabiliteringsinsatser har införts.\nKorttidssjukfrånvaron har minskat med 0,8 procentenheter.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'Ökad delaktighet och dialog med invånarna',
    title: 'Inrätta ett kontaktcenter',
    responsible: 'Kommunikationschef',
    status: 'Genomförd',
    comment: 'Kontaktcenter öppnade i mars. 72 procent av ärendena löses vid första kontakten.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'Ökad delaktighet och dialog med invånarna',
    title: 'Genomföra medborgardialoger om den nya översiktsplanen',
    responsible: 'Samhällsbyggnadschef',
    status: 'Genomförd',
    comment: 'Dialogmöten hölls i Ånge, Fränsta, Torpshammar och Ljungaverk med sammanlagt cirka 300 deltagare.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'Ökad delaktighet och dialog med invånarna',
    title: 'Utveckla kommunens webbplats',
    responsible: 'Kommunikationschef',
    status: 'Pågående',
    comment: 'Den nya webbplatsen lanseras under första kvartalet 2024. Tillgänglighetsgranskning pågår.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'Ökad delaktighet och dialog med invånarna',
    title: 'Ta fram en plan för e-tjänster',
    responsible: 'Digitaliseringsstrateg',
    status: 'Avbruten',
    comment: 'Arbetet ingår i stället i den regionala digitaliseringsstrategin.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS4',
    title: 'Korta handläggningstiden för bygglov',
    responsible: 'Samhällsbyggnadschef',
    status: 'Genomförd',
    comment: 'Medianhandläggningstiden har minskat från sju till fyra veckor.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS4',
    title: 'Genomföra regelbundna företagsbesök',
    responsible: 'Näringslivsutvecklare',
    status: 'Genomförd',
    comment: 'Kommunledningen har besökt 24 företag under året.',
    workbook: ACTIVITIES_WORKBOOK,
  },
  {
    goal: 'KS4',
    title: 'Ta fram en strategi för mark och exploatering',
    responsible: 'Samhällsbyggnadschef',
    status: 'Pågående',
    comment: 'Strategin väntas kunna beslutas under andra kvartalet 2024.',
    workbook: ACTIVITIES_WORKBOOK,
  },
];

/**
 * What a correct parser makes of the two example workbooks, sorted by name as the report
 * receives them. Row numbers are Excel's: the case workbook's sheets have their header on
 * row 1; the activities workbook has a title row, so its header is row 2.
 */
export function exampleUploads(): { name: string; content: UploadContent }[] {
  const caseSections: CaseSection[] = [];
  let row = 2;
  const at = (sheet: string, r: number) => ({ file: CASE_WORKBOOK, sheet, row: r });
  caseSections.push({ kind: 'summary', text: SUMMARY, source: at('Ärende', row++) });
  caseSections.push({ kind: 'considerations', text: CONSIDERATIONS.join('\n'), source: at('Ärende', row++) });
  for (const text of PROPOSALS) caseSections.push({ kind: 'proposal', text, source: at('Ärende', row++) });
  for (const [name, text] of Object.entries(FOCUS_AREA_TEXTS)) {
    caseSections.push({ kind: 'focusArea', name, text, source: at('Ärende', row++) });
  }
  const goals: Goal[] = GOALS.map((g, i) => ({ ...g, source: at('Mål', i + 2) }));
  const activities = (workbook: ExampleActivity['workbook'], firstRow: number): Activity[] =>
    ACTIVITIES.filter((a) => a.workbook === workbook).map((a, i) => ({
      goalRef: a.goal,
      title: a.title,
      status: a.status,
      comment: a.comment,
      responsible: a.responsible,
      source: { file: workbook, sheet: 'Aktiviteter', row: firstRow + i },
    }));
  const uploads = [
    { name: CASE_WORKBOOK, content: { goals, activities: activities(CASE_WORKBOOK, 2), caseSections } },
    {
      name: ACTIVITIES_WORKBOOK,
      content: { goals: [], activities: activities(ACTIVITIES_WORKBOOK, 3), caseSections: [] },
    },
  ];
  return uploads.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
