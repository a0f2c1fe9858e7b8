// The `tertial` command's usage: every command's arguments and help paragraph, in one
// place. Plain JavaScript on purpose: `bin/tertial.mjs` answers `--help` and `--version`
// from this file alone, without loading the TypeScript loader (tsx), which by itself
// costs several times a bare Node start. `cli/args.ts` parses arguments against it.
import { readFileSync } from 'node:fs';

export const DEFAULT_PORTS = Object.freeze({ s3: 4569, dynamodb: 4567, web: 4570 });

/** The variable that moves each local port. */
export const PORT_VARIABLES = Object.freeze({
  s3: 'TERTIAL_S3_PORT',
  dynamodb: 'TERTIAL_DYNAMODB_PORT',
  web: 'TERTIAL_WEB_PORT',
});

/**
 * Every command: `usage` is the line printed with an argument error, `help` the
 * paragraph of `tertial --help` and `tertial KOMMANDO --help`. `period`: the command
 * takes `NÄMND PERIOD` (or `--committee NÄMND --period PERIOD`); `files`: how many file
 * arguments follow.
 */
export const COMMANDS = Object.freeze([
  {
    name: 'local',
    usage: 'tertial local [--data KATALOG]',
    period: false,
    files: [0, 0],
    options: { data: { type: 'string' } },
    help: `  tertial local [--data KATALOG]
      Startar den lokala stacken och inget annat: S3 på port ${DEFAULT_PORTS.s3}, DynamoDB på port
      ${DEFAULT_PORTS.dynamodb} och sidorna på port ${DEFAULT_PORTS.web}. Första gången är den tom; data sparas i
      KATALOG (standard ./.data) och finns kvar nästa gång. Svarar tills du trycker Ctrl-C.
      Exempel: tertial local --data .data`,
  },
  {
    name: 'demo',
    usage: 'tertial demo [--once] [--data KATALOG] [--examples KATALOG] [--out KATALOG]',
    period: false,
    files: [0, 0],
    options: {
      once: { type: 'boolean' },
      data: { type: 'string' },
      examples: { type: 'string' },
      out: { type: 'string' },
    },
    help: `  tertial demo [--once] [--data KATALOG] [--examples KATALOG] [--out KATALOG]
      Visar hela flödet (det som npm start kör): startar en lokal stack med egen, tom
      data, laddar upp exemplen i examples/ till ks 2023-T3, stänger tertialen och lägger
      dokumentet i out/. Utan --once svarar stacken sedan tills du trycker Ctrl-C.
      Exempel: tertial demo --once`,
  },
  {
    name: 'render',
    usage:
      'tertial render NÄMND PERIOD FIL... --out RAPPORT.docx [--template MALL.docx] [--config ks.json] [--closure stangning.json]',
    period: true,
    files: [1, Infinity],
    options: {
      out: { type: 'string' },
      template: { type: 'string' },
      config: { type: 'string' },
      closure: { type: 'string' },
    },
    help: `  tertial render NÄMND PERIOD FIL... --out RAPPORT.docx
                 [--template MALL.docx] [--config ks.json] [--closure stangning.json]
      Skapar dokumentet direkt från filerna, utan servrar. Vid fel skrivs varje fel ut
      och inget dokument skapas.
      Exempel: tertial render ks 2023-T3 examples/*.xlsx --out rapport.docx`,
  },
  {
    name: 'upload',
    usage: 'tertial upload NÄMND PERIOD FIL [--no-wait]',
    period: true,
    files: [1, 1],
    options: { 'no-wait': { type: 'boolean' } },
    help: `  tertial upload NÄMND PERIOD FIL [--no-wait]
      Laddar upp en fil till den lokala stacken och visar kvittot.
      Exempel: tertial upload ks 2023-T3 aktiviteter.xlsx`,
  },
  {
    name: 'close',
    usage:
      'tertial close NÄMND PERIOD [--meeting-date ÅÅÅÅ-MM-DD] [--document-date ÅÅÅÅ-MM-DD] [--diarienummer NR] [--tom]',
    period: true,
    files: [0, 0],
    options: {
      'meeting-date': { type: 'string' },
      'document-date': { type: 'string' },
      diarienummer: { type: 'string' },
      tom: { type: 'boolean' },
    },
    help: `  tertial close NÄMND PERIOD [--meeting-date ÅÅÅÅ-MM-DD] [--document-date ÅÅÅÅ-MM-DD]
                [--diarienummer NR] [--tom]
      Stänger tertialen och väntar på dokumentet. Utan --document-date dateras det med
      dagens datum. En tertial utan godkänd fil stängs bara med --tom.
      Exempel: tertial close ks 2023-T3 --diarienummer "KS 2024/12"`,
  },
  {
    name: 'reopen',
    usage: 'tertial reopen NÄMND PERIOD',
    period: true,
    files: [0, 0],
    options: {},
    help: `  tertial reopen NÄMND PERIOD
      Öppnar en stängd tertial igen. Nästa stängning skriver en ny version av dokumentet
      under samma namn. I AWS finns den gamla kvar i bucketens versionshistorik; den
      lokala stacken har ingen versionshistorik och skriver över den.
      Exempel: tertial reopen ks 2023-T3`,
  },
  {
    name: 'status',
    usage: 'tertial status NÄMND PERIOD [--json]',
    period: true,
    files: [0, 0],
    options: { json: { type: 'boolean' } },
    help: `  tertial status NÄMND PERIOD [--json]
      Visar tertialens läge och uppladdade filer (tider i svensk tid).
      Exempel: tertial status ks 2023-T3`,
  },
  {
    name: 'workbook',
    usage:
      'tertial workbook NÄMND PERIOD --out ARBETSBOK.xlsx [--previous FIL...] [--from-local] [--goals FIL] [--config ks.json]',
    period: true,
    files: [0, 0],
    options: {
      out: { type: 'string' },
      previous: { type: 'string', multiple: true },
      'from-local': { type: 'boolean' },
      goals: { type: 'string' },
      config: { type: 'string' },
    },
    help: `  tertial workbook NÄMND PERIOD --out ARBETSBOK.xlsx
                   [--previous FIL...] [--from-local] [--goals FIL] [--config ks.json]
      Skriver arbetsboken som personalen fyller i: flikarna Ärende, Mål, Aktiviteter och
      Instruktioner, med rullistor för Status och Bedömning. Med --previous (förra
      tertialens filer) eller --from-local (förra tertialens godkända filer i den lokala
      stacken) är målen och alla aktiviteter som inte är genomförda eller avbrutna redan
      ifyllda, med förra kommentaren bredvid. --goals tar målen från en fil (fliken Mål).
      Exempel: tertial workbook ks 2023-T3 --out uppfoljning.xlsx --from-local`,
  },
  {
    name: 'reindex',
    usage: 'tertial reindex NÄMND PERIOD [--env]',
    period: true,
    files: [0, 0],
    options: { env: { type: 'boolean' } },
    help: `  tertial reindex NÄMND PERIOD [--env]
      Bygger upp tertialens läge i databasen på nytt från filerna i S3 (om tabellen har
      gått förlorad). Med --env används UPLOADS_BUCKET, DOCUMENTS_BUCKET och TABLE_NAME
      (och AWS-inloggningen) i stället för den lokala stacken.
      Exempel: tertial reindex ks 2023-T3`,
  },
]);

export const HELP = `tertial – måluppföljning per tertial, från kalkylblad till nämndens dokument

Användning:
${COMMANDS.map((c) => c.help).join('\n\n')}

  tertial --version   visar versionen
  tertial --help      visar den här texten

En tertial anges som NÄMND PERIOD (ks 2024-T1) eller som --committee ks --period 2024-T1.
Portar: ${PORT_VARIABLES.s3}, ${PORT_VARIABLES.dynamodb} och ${PORT_VARIABLES.web} ersätter ${DEFAULT_PORTS.s3}, ${DEFAULT_PORTS.dynamodb}
och ${DEFAULT_PORTS.web} (0 väljer lediga portar).
`;

/** `tertial KOMMANDO --help`: that command's paragraph, or undefined for an unknown command. */
export function commandHelp(name) {
  const command = COMMANDS.find((c) => c.name === name);
  return command ? `${command.help}\n` : undefined;
}

export function version() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return `tertial ${pkg.version}\n`;
}

/**
 * The answer to arguments that need no command to run (help, version), or undefined.
 * Only options before a lone `--` count: after it, "--help" could be a file name.
 */
export function immediateAnswer(argv) {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return HELP;
  if (first === '--version' || first === '-V') return version();
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) return commandHelp(first);
  return undefined;
}
