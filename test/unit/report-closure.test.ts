import { describe, expect, it } from 'vitest';
import { isIsoDate, parseClosure } from '../../lambdas/core/closure.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('Function: parseClosure', () => {
  it('accepts an empty body', () => {
    expect(parseClosure(new Uint8Array())).toEqual({ ok: true, closure: {}, warnings: [] });
    expect(parseClosure(bytes(' \n'))).toEqual({ ok: true, closure: {}, warnings: [] });
  });

  it('reads the meeting date, case number and document date', () => {
    const body = '\uFEFF{ "meetingDate": "2024-02-06", "diarienummer": " KS 2024/12 ", "documentDate": "2024-01-20" }';
    expect(parseClosure(bytes(body))).toEqual({
      ok: true,
      closure: { meetingDate: '2024-02-06', diarienummer: 'KS 2024/12', documentDate: '2024-01-20' },
      warnings: [],
    });
  });

  it('treats null and missing fields as absent, and warns about unknown fields', () => {
    const result = parseClosure(bytes('{"meetingDate": null, "motesdatum": "2024-02-06"}'), 'closures/ks/2023/T3');
    expect(result).toEqual({
      ok: true,
      closure: {},
      warnings: [
        expect.objectContaining({ code: 'unknown_closure_field', column: 'motesdatum', file: 'closures/ks/2023/T3' }),
      ],
    });
  });

  it('refuses dates that are malformed or do not exist', () => {
    const result = parseClosure(bytes('{"meetingDate": "2024-02-30", "documentDate": "20/1 2024"}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.column, e.value])).toEqual([
      ['invalid_closure', 'meetingDate', '2024-02-30'],
      ['invalid_closure', 'documentDate', '20/1 2024'],
    ]);
    expect(result.errors[0]?.message).toMatch(/åååå-mm-dd/);
  });

  it('refuses a case number that is not a one-line text', () => {
    expect(parseClosure(bytes('{"diarienummer": 12}'))).toMatchObject({
      ok: false,
      errors: [{ code: 'invalid_closure', column: 'diarienummer' }],
    });
    expect(parseClosure(bytes('{"diarienummer": "KS\\n2024"}')).ok).toBe(false);
  });

  it('refuses bodies that are not a JSON object', () => {
    for (const body of ['nej', '[1]', '"2024-02-06"', 'null']) {
      const result = parseClosure(bytes(body));
      expect(result, body).toMatchObject({ ok: false, errors: [{ code: 'invalid_closure' }] });
    }
    expect(parseClosure(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
  });
});

describe('Function: isIsoDate', () => {
  it('knows leap years', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-2-1')).toBe(false);
  });
});
