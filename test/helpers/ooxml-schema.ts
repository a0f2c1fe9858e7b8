/**
 * Validates every XML part of a .docx against the ISO/IEC 29500 Transitional schemas
 * (test/fixtures/ooxml-xsd/) with xmllint, as a consumer reads it: Markup Compatibility
 * first (what `mc:Ignorable` names is removed, as Word's reader ignores it), then the
 * schema of the part's content type.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PizZip from 'pizzip';

export const XMLLINT = '/usr/bin/xmllint';
const XSD = fileURLToPath(new URL('../fixtures/ooxml-xsd/', import.meta.url));
const ISO = join(XSD, 'ISO-IEC29500-4_2016');
const OPC = join(XSD, 'ecma', 'fouth-edition');

const WML = join(ISO, 'wml.xsd');
/** Content type (without its `application/vnd.…` prefix variations) → schema. */
function schemaFor(contentType: string): string | undefined {
  if (/wordprocessingml\.[\w.]+\+xml$/.test(contentType)) return WML;
  if (contentType === 'application/vnd.openxmlformats-package.relationships+xml')
    return join(OPC, 'opc-relationships.xsd');
  if (contentType === 'application/vnd.openxmlformats-package.core-properties+xml')
    return join(OPC, 'opc-coreProperties.xsd');
  if (contentType === 'application/vnd.openxmlformats-officedocument.extended-properties+xml')
    return join(ISO, 'shared-documentPropertiesExtended.xsd');
  if (contentType === 'application/vnd.openxmlformats-officedocument.theme+xml') return join(ISO, 'dml-main.xsd');
  return undefined;
}

/** Removes what the part's `mc:Ignorable` names (attributes and elements of those prefixes), and the attribute itself. */
export function applyMarkupCompatibility(xml: string): string {
  const ignorable = /\bmc:Ignorable="([^"]*)"/.exec(xml)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
  let out = xml.replace(/\s+mc:Ignorable="[^"]*"/g, '');
  for (const prefix of ignorable) {
    out = out.replace(new RegExp(`\\s+${prefix}:[\\w.-]+="[^"]*"`, 'g'), '');
    out = out.replace(new RegExp(`<${prefix}:([\\w.-]+)\\b[^>]*/>`, 'g'), '');
    out = out.replace(new RegExp(`<${prefix}:([\\w.-]+)\\b[^>]*>[\\s\\S]*?</${prefix}:\\1>`, 'g'), '');
  }
  return out;
}

/** Every schema error of the package's XML parts; empty when it validates. */
export function schemaErrors(docx: Uint8Array): string[] {
  const zip = new PizZip(docx);
  const types = zip.file('[Content_Types].xml')?.asText();
  if (types === undefined) return ['[Content_Types].xml is missing'];
  const overrides = new Map<string, string>();
  for (const m of types.matchAll(/<Override\b[^>]*PartName="([^"]*)"[^>]*ContentType="([^"]*)"/g))
    overrides.set((m[1] ?? '').replace(/^\//, '').toLowerCase(), m[2] ?? '');
  const defaults = new Map<string, string>();
  for (const m of types.matchAll(/<Default\b[^>]*Extension="([^"]*)"[^>]*ContentType="([^"]*)"/g))
    defaults.set((m[1] ?? '').toLowerCase(), m[2] ?? '');

  const dir = mkdtempSync(join(tmpdir(), 'tertial-xsd-'));
  try {
    const bySchema = new Map<string, string[]>();
    const errors: string[] = [];
    for (const name of Object.keys(zip.files)) {
      const file = zip.files[name];
      if (!file || file.dir) continue;
      let schema: string | undefined;
      if (name === '[Content_Types].xml') {
        schema = join(OPC, 'opc-contentTypes.xsd');
      } else {
        const type =
          overrides.get(name.toLowerCase()) ?? defaults.get(name.slice(name.lastIndexOf('.') + 1).toLowerCase()) ?? '';
        if (!/xml$/.test(type)) continue; // pictures and other binary parts
        schema = schemaFor(type);
        if (!schema) {
          errors.push(`${name}: no schema for content type ${type}`);
          continue;
        }
      }
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, applyMarkupCompatibility(file.asText()));
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), name]);
    }
    for (const [schema, names] of bySchema) {
      try {
        execFileSync(XMLLINT, ['--noout', '--nonet', '--schema', schema, ...names], {
          cwd: dir,
          env: { ...process.env, XML_CATALOG_FILES: join(XSD, 'catalog.xml') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const stderr = String((e as { stderr?: Buffer }).stderr ?? e);
        errors.push(
          ...stderr
            .split('\n')
            .filter(
              (line) =>
                line.trim() !== '' && !/ validates$/.test(line) && !/Schemas parser warning|Skipping import/.test(line),
            ),
        );
      }
    }
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const hasXmllint = existsSync(XMLLINT);
