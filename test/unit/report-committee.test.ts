import { describe, expect, it } from 'vitest';
import { genericCommitteeConfig, genitiveOf, KS_CONFIG, parseCommitteeConfig } from '../../lambdas/core/committee.js';

describe('Function: parseCommitteeConfig', () => {
  it('gives the built-in settings of kommunstyrelsen without a config file', () => {
    const result = parseCommitteeConfig('ks', undefined);
    expect(result).toEqual({ ok: true, config: KS_CONFIG, warnings: [] });
    expect(KS_CONFIG).toMatchObject({
      displayName: 'Kommunstyrelsen',
      genitive: 'Kommunstyrelsens',
      municipality: 'Ånge kommun',
      municipalityGenitive: 'Ånge kommuns',
      administration: 'Kommunförvaltningen',
      preparingBody: 'koncern- och finansutskottet',
      focusAreas: ['Hållbar vardag', 'Hållbar hälsa', 'Hållbar gemenskap', 'Hållbar kompetens', 'Hållbar natur'],
    });
    expect(KS_CONFIG.vision).toBe(
      'Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och engagemang kraft till en levande bygd.',
    );
  });

  it('derives a generic default for another committee and warns that settings are missing', () => {
    const result = parseCommitteeConfig('bmn', '  ');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({ committee: 'bmn', displayName: 'BMN', genitive: 'BMNs' });
    expect(result.config.preparingBody).toBeUndefined();
    expect(result.config.focusAreas).toEqual(KS_CONFIG.focusAreas);
    expect(result.warnings.map((w) => [w.code, w.file])).toEqual([['committee_config_missing', 'config/bmn.json']]);
    expect(genericCommitteeConfig('bygg-och-miljo').displayName).toBe('Bygg och miljo');
  });

  it('overrides fields of the default with the config file', () => {
    const json = JSON.stringify({
      displayName: 'Bygg- och miljönämnden',
      preparingBody: null,
      focusAreas: ['Hållbar natur', 'Hållbar vardag'],
      vision: 'Rad ett.\nRad två.',
    });
    const result = parseCommitteeConfig('bmn', json);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      committee: 'bmn',
      displayName: 'Bygg- och miljönämnden',
      genitive: 'Bygg- och miljönämndens',
      municipality: 'Ånge kommun',
      focusAreas: ['Hållbar natur', 'Hållbar vardag'],
      vision: 'Rad ett.\nRad två.',
    });
    expect('preparingBody' in result.config).toBe(false);
  });

  it('keeps the built-in values that ks.json does not mention, and warns about unknown fields', () => {
    const result = parseCommitteeConfig('ks', '\uFEFF{"administration": "Förvaltningen", "visoin": "typo"}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toEqual({ ...KS_CONFIG, administration: 'Förvaltningen' });
    expect(result.warnings.map((w) => [w.code, w.column])).toEqual([['unknown_config_field', 'visoin']]);
  });

  it('refuses bad JSON with a Swedish message', () => {
    const result = parseCommitteeConfig('ks', '{ "displayName": ');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'invalid_config', file: 'config/ks.json' });
    expect(result.errors[0]?.message).toMatch(/inte giltig JSON/);
  });

  it('refuses wrong types and empty values, naming each field', () => {
    const result = parseCommitteeConfig('ks', JSON.stringify({ displayName: 42, focusAreas: [], genitive: '  ' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.column]).sort()).toEqual([
      ['invalid_config', 'displayName'],
      ['invalid_config', 'focusAreas'],
      ['invalid_config', 'genitive'],
    ]);
    const byField = Object.fromEntries(result.errors.map((e) => [e.column, e.message]));
    expect(byField['displayName']).toMatch(/måste vara en text/);
    expect(byField['focusAreas']).toMatch(/tom lista/);
    expect(byField['genitive']).toMatch(/får inte vara tomt/);
  });

  it('refuses JSON that is not an object', () => {
    const result = parseCommitteeConfig('ks', '["Kommunstyrelsen"]');
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'invalid_config' }] });
  });
});

describe('Function: genitiveOf', () => {
  it('adds an s unless the name already ends in s, x or z', () => {
    expect(genitiveOf('Kommunstyrelsen')).toBe('Kommunstyrelsens');
    expect(genitiveOf('Ånge kommun')).toBe('Ånge kommuns');
    expect(genitiveOf('Bollnäs')).toBe('Bollnäs');
  });
});
