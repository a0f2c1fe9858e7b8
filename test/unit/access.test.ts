/** The per-committee rule of the pages, as a table: who reads which key, who may send what. */
import { describe, expect, it } from 'vitest';
import { canRead, decideUpload, readableCommittees, viewerFromGroups } from '../../lambdas/core/access.js';
import { committeeOfOutputKey } from '../../lambdas/core/keys.js';

const limits = { uploadBytes: 20 * 1024 * 1024, templateBytes: 20 * 1024 * 1024 };
const staff = viewerFromGroups('anna', ['ks-staff']);
const secretary = viewerFromGroups('sara', ['ks-secretary', 'bun-staff']);
const admin = viewerFromGroups('it', ['admin']);
const stranger = viewerFromGroups('eva', ['other-app-users', 'KS-staff', '-staff']);

describe('access: reading the documents bucket', () => {
  it.each([
    [staff, 'status/ks/2024/T1/index.html', true],
    [staff, 'receipts/ks/2024/T1/a.xlsx.json', true],
    [staff, 'receipts/ks/2024/T1/a.xlsx.html', true],
    [staff, 'drafts/ks/2024/T1/ks-maluppfoljning-2024-T1-UTKAST.docx', true],
    [staff, 'documents/ks/2024/T1/ks-maluppfoljning-2024-T1.docx', true],
    [staff, 'workbooks/ks/2024/T1/ks-uppfoljning-2024-T1.xlsx', true],
    [staff, 'receipts/templates/ks.docx.json', true],
    [staff, 'status/bun/2024/T1/index.html', false],
    [staff, 'documents/bun/2024/T1/bun-maluppfoljning-2024-T1.docx', false],
    [staff, 'receipts/templates/bun.docx.json', false],
    [staff, 'templates/ks/0001.docx', false],
    [staff, 'status/ks/../bun/2024/T1/index.html', false],
    [staff, 'status/ks', false],
    [staff, 'index.html', false],
    [secretary, 'status/bun/2024/T1/index.html', true],
    [secretary, 'status/sn/2024/T1/index.html', false],
    [admin, 'status/sn/2024/T1/index.html', true],
    [admin, 'templates/ks/0001.docx', true],
    [stranger, 'status/ks/2024/T1/index.html', false],
  ])('%# %s reads %s: %s', (viewer, key, allowed) => {
    expect(canRead(viewer, key)).toBe(allowed);
  });

  it('knows the committee of every per-committee key and of nothing else', () => {
    expect(committeeOfOutputKey('receipts/templates/ks.docx.json')).toBe('ks');
    // A committee may be called "templates"; its period receipts are still its own.
    expect(committeeOfOutputKey('receipts/templates/2024/T1/a.xlsx.json')).toBe('templates');
    expect(committeeOfOutputKey('status/KS/2024/T1/index.html')).toBeUndefined();
    expect(committeeOfOutputKey('status//2024/T1/index.html')).toBeUndefined();
  });

  it('lists the committees a person reads; the administrator reads all', () => {
    expect([...(readableCommittees(secretary) ?? [])].sort()).toEqual(['bun', 'ks']);
    expect(readableCommittees(admin)).toBeUndefined();
    expect([...(readableCommittees(stranger) ?? [])]).toEqual([]);
  });
});

describe('access: what a page may send', () => {
  const period = { committee: 'ks', year: 2024, tertial: 1 };
  it('staff upload a workbook of their committee, to exactly its key, type and size', () => {
    expect(decideUpload(staff, { kind: 'upload', ...period, name: 'a b.xlsx' }, limits)).toEqual({
      ok: true,
      target: {
        key: 'uploads/ks/2024/T1/a b.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        maxBytes: limits.uploadBytes,
      },
    });
  });

  it.each([
    [staff, { kind: 'upload' as const, committee: 'bun', year: 2024, tertial: 1, name: 'a.xlsx' }, 'not_member'],
    [staff, { kind: 'close' as const, ...period }, 'not_secretary'],
    [staff, { kind: 'template' as const, ...period }, 'not_secretary'],
    [secretary, { kind: 'close' as const, committee: 'bun', year: 2024, tertial: 1 }, 'not_secretary'],
    [admin, { kind: 'upload' as const, ...period, name: 'a.xlsx' }, 'not_member'],
    [staff, { kind: 'upload' as const, ...period, name: '../x.xlsx' }, 'bad_name'],
    [staff, { kind: 'upload' as const, ...period, name: 'a.exe' }, 'bad_name'],
    [staff, { kind: 'upload' as const, ...period, tertial: 4, name: 'a.xlsx' }, 'bad_period'],
    [staff, { kind: 'upload' as const, ...period, committee: 'KS', name: 'a.xlsx' }, 'bad_period'],
  ])('%# refuses %s: %o → %s', (viewer, request, code) => {
    const decision = decideUpload(viewer, request, limits);
    expect(decision).toMatchObject({ ok: false, code });
  });

  it.each([
    ['plan.xls', 'är en .xls-fil'],
    ['mål.ods', 'är en .ods-fil'],
    ['rapport.xlsm', 'är en .xlsm-fil'],
  ])(
    'a %s is refused before it is sent, in the words of its receipt: "%s" and how to save it as .xlsx',
    (name, what) => {
      const decision = decideUpload(staff, { kind: 'upload', ...period, name }, limits);
      expect(decision).toMatchObject({ ok: false, code: 'bad_name' });
      const message = decision.ok ? '' : decision.message;
      expect(message).toContain(`Filen "${name}" ${what}`);
      expect(message).toContain('Arkiv → Spara som');
    },
  );

  it('the secretary closes and uploads the template of their committee', () => {
    expect(decideUpload(secretary, { kind: 'close', ...period }, limits)).toMatchObject({
      ok: true,
      target: { key: 'closures/ks/2024/T1', contentType: 'application/json' },
    });
    expect(decideUpload(secretary, { kind: 'template', ...period }, limits)).toMatchObject({
      ok: true,
      target: { key: 'templates/ks.docx' },
    });
    expect(
      decideUpload(secretary, { kind: 'upload', committee: 'bun', year: 2024, tertial: 1, name: 'a.csv' }, limits),
    ).toMatchObject({ ok: true, target: { contentType: 'text/csv' } });
  });
});
