/**
 * The case texts of kommunstyrelsens måluppföljning, tertialrapport 3 2023, exactly as in
 * the published document (test/fixtures/reference/…-tertialrapport-3-2023.txt, whose lines
 * are wrapped from a PDF; here each paragraph is one string, wording and typos kept).
 *
 * The example workbook's `Ärende` sheet is written from these, and the reference-document
 * test renders them to check that the default template reproduces the published document.
 */

/** Förslag till beslut: one string per numbered proposal. */
export const PROPOSALS = ['Godkänna redovisningen av kommunstyrelsens måluppföljning, tertialrapport 3 2023.'] as const;

/** Ärendet i korthet (also what the report writes by default). */
export const SUMMARY = 'Ärendet avser årets tredje uppföljning av kommunstyrelsens mål för 2023.';

/** Förvaltningens övervägande: three paragraphs. */
export const CONSIDERATIONS = [
  'Kommunförvaltningens målarbete präglades av utveckling av processer under hela 2023. När ' +
    'kommunstyrelsen satte sina mål var den nya organisationen bara veckor några veckor ' +
    'gammal, och strax därefter skedde årsredovisningen för 2022. Bland slutsatserna som drogs ' +
    'för 2022 var att modellen för hur mål blir verksamhet ska ses över. Utifrån den ' +
    'utvärderingen genomfördes ett antal möten med politiska företrädare för alla partier, dels för ' +
    'att kommunfullmäktige skulle anta nya mål för mandatperioden, dels för att fånga de ' +
    'politiska förväntningarna på hur arbetet ska genomföras rent praktiskt. Utfallet av de ' +
    'samtalet resulterade i att kommunstyrelsen beslutade (2023-09-05, § 147) att uppdra ' +
    'kommunchef att presentera ett nytt förslag på styrmodell för kommunfullmäktige, utifrån de ' +
    'tidigare diskussionerna.',
  'Den styrmodell som gäller för tertial 3 2023 säger väldigt lite om hur målarbetet ska planeras ' +
    'och genomföras. Innan 2023 ansvarade respektive nämnd för det arbetet planerades, följdes ' +
    'och rapporterades. Efter årsskiftet fanns det alltså fyra organisatoriska förväntningar på den ' +
    'processen, något som uppmärksammades tidigt under året.',
  'Den här redovisningen utgår från samma struktur för målredovisningen som rapporten för ' +
    'tertial 2 2023. Det innebär att för respektive av kommunstyrelsens mål redovisas de ' +
    'aktiviteter som förvaltningen genomfört under året, med aktuell status och kommentar. Då ' +
    'det inte finns något mått antaget för målen så är aktiviteternas genomförande vägledande för ' +
    'bedömningen. Respektive mål har bedömts av förvaltningen med en motivering för ' +
    'bedömningen.',
] as const;

/**
 * Focus areas whose text differs from the default "Ärendet har ingen bärighet på …".
 * Keyed by the focus area's name as in the committee settings.
 */
export const FOCUS_AREA_TEXTS = {
  'Hållbar gemenskap':
    'Den politiska styrningen över förvaltningen är en central del i den demokratiska processen. ' +
    'För att förvalta det politiska uppdraget krävs en fungerade styrning och uppföljning.',
} as const;
