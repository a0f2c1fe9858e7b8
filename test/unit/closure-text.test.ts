/**
 * Closure and settings texts are printed in the committee document: each is one
 * printable line (the vision: paragraphs) with a length the document can hold.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DIARIENUMMER, parseClosure } from '../../lambdas/core/closure.js';
import {
  MAX_CONFIG_NAME,
  MAX_CONFIG_VISION,
  MAX_FOCUS_AREAS,
  parseCommitteeConfig,
} from '../../lambdas/core/committee.js';

const closure = (body: unknown) => parseClosure(new TextEncoder().encode(JSON.stringify(body)));

describe('10.11: closure and settings text (one printable line, lengths a document can hold)', () => {
  it.each([
    ['NUL', 'KS 2024/\u000012', /NUL/],
    ['U+2028 (line separator)', 'KS 2024/12\u2028Dnr 99', /radbrytning \(U\+2028\)/],
    ['U+202E (bidi override)', 'KS \u202e2024/12', /riktning \(U\+202E\)/],
    ['U+2066 (bidi isolate)', 'KS \u20662024/12', /riktning/],
    ['a line break', 'KS 2024/12\nKS 2024/13', /radbrytning/],
    ['a tab', 'KS\t2024/12', /styrtecken/],
  ])('refuses a diarienummer with %s, and quotes it back visibly', (_name, value, message) => {
    const result = closure({ diarienummer: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: 'invalid_closure', column: 'diarienummer' });
    expect(result.errors[0]?.message).toMatch(message);
    expect(result.errors[0]?.value).toMatch(/\[U\+[0-9A-F]{4}\]/);
  });

  it('refuses a diarienummer longer than the page header holds, and quotes at most 80 characters of it', () => {
    expect(closure({ diarienummer: 'K'.repeat(MAX_DIARIENUMMER) }).ok).toBe(true);
    const result = closure({ diarienummer: 'K'.repeat(5 * 1024 * 1024) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/högst 60 tecken/);
    expect(result.errors[0]?.value?.length).toBeLessThanOrEqual(81);
  });

  it('keeps a Swedish case number as it is', () => {
    expect(closure({ diarienummer: ' KS 2024/12 – Ånge ' })).toMatchObject({
      ok: true,
      closure: { diarienummer: 'KS 2024/12 – Ånge' },
    });
  });

  it('takes allowEmpty: true, refuses a non-boolean', () => {
    expect(closure({ allowEmpty: true })).toMatchObject({ ok: true, closure: { allowEmpty: true } });
    expect(closure({ allowEmpty: false })).toMatchObject({ ok: true, closure: {} });
    expect(closure({ allowEmpty: 'ja' }).ok).toBe(false);
  });

  it('refuses a 5 MB displayName in committee settings', () => {
    const result = parseCommitteeConfig('ks', JSON.stringify({ displayName: 'K'.repeat(5 * 1024 * 1024) }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/displayName.*5242880 tecken långt; högst 100 ryms/);
    expect(parseCommitteeConfig('ks', JSON.stringify({ displayName: 'K'.repeat(MAX_CONFIG_NAME) })).ok).toBe(true);
  });

  it.each([
    ['displayName', { displayName: 'Kommun\u202estyrelsen' }],
    ['municipality', { municipality: 'Ånge\u0000kommun' }],
    ['preparingBody', { preparingBody: 'utskottet\u2028' }],
    ['focusAreas', { focusAreas: ['Hållbar\nvardag'] }],
    ['vision', { vision: 'En vision\u202e' }],
  ])('refuses settings whose %s is not printable text', (field, body) => {
    const result = parseCommitteeConfig('ks', JSON.stringify(body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.column).toMatch(new RegExp(`^${field}`));
  });

  it('takes a vision of paragraphs within its limit, refuses a longer one and too many focus areas', () => {
    expect(parseCommitteeConfig('ks', JSON.stringify({ vision: 'Första stycket.\nAndra stycket.' })).ok).toBe(true);
    expect(parseCommitteeConfig('ks', JSON.stringify({ vision: 'v'.repeat(MAX_CONFIG_VISION + 1) })).ok).toBe(false);
    const areas = Array.from({ length: MAX_FOCUS_AREAS + 1 }, (_, i) => `Område ${i}`);
    const result = parseCommitteeConfig('ks', JSON.stringify({ focusAreas: areas }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/högst 20 poster/);
  });
});
