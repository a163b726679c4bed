import { parseValidityText, validityWarning } from '../../domain';
import { SEED_BUREAUS } from '../../catalogue/seed';

const seedEntries = SEED_BUREAUS.flatMap((bureau) => bureau.catalogue.map((entry) => ({ bureau: bureau.code, ...entry })));

describe('parseValidityText', () => {
  it('reads every one of the 49 seed entries', () => {
    expect(seedEntries).toHaveLength(49);
    for (const entry of seedEntries) expect(() => parseValidityText(entry.validityText)).not.toThrow();
  });

  // The non-numeric texts of the two catalogues, and the rule each becomes.
  it.each([
    ['3至5年', { kind: 'years', minYears: 3, maxYears: 5 }],
    ['3-5年', { kind: 'years', minYears: 3, maxYears: 5 }],
    ['2至5年,1年(C类)', { kind: 'years', minYears: 2, maxYears: 5, byClass: { C: 1 } }],
    ['无', { kind: 'none' }],
    ['随公司许可时间而定', { kind: 'follows_parent', parent: 'company_permit' }],
    ['随平台许可时间而定', { kind: 'follows_parent', parent: 'platform_permit' }],
    ['经营范围涉及前置许可项目的依据许可证项目的，按申请人申请置许可项目的时间确定', { kind: 'follows_parent', parent: 'prerequisite_permit' }],
  ])('%s', (text, rule) => {
    expect(parseValidityText(text)).toEqual(rule);
  });

  it('reads fixed terms in digits or Chinese numerals, and full-width forms', () => {
    expect(parseValidityText('5年')).toEqual({ kind: 'years', minYears: 5, maxYears: 5 });
    expect(parseValidityText('五年')).toEqual({ kind: 'years', minYears: 5, maxYears: 5 });
    expect(parseValidityText('2至5年，1年（C类）')).toEqual({ kind: 'years', minYears: 2, maxYears: 5, byClass: { C: 1 } });
  });

  it('refuses a text no rule fits, saying which forms it understands', () => {
    expect(() => parseValidityText('视情况而定')).toThrow(/fits no rule; write it as N年/);
    expect(() => parseValidityText('5至3年')).toThrow(/fits no rule/);
  });
});

describe('validityWarning', () => {
  const fiveYears = parseValidityText('5年');

  it('accepts the day before the anniversary and the anniversary itself', () => {
    expect(validityWarning(fiveYears, '2022-05-31', '2027-05-30')).toBeUndefined();
    expect(validityWarning(fiveYears, '2022-05-31', '2027-05-31')).toBeUndefined();
  });

  it('warns about a term the rule cannot produce', () => {
    expect(validityWarning(fiveYears, '2022-05-31', '2030-05-31')).toMatch(/not 5年 after issuedOn 2022-05-31/);
    expect(validityWarning(fiveYears, '2022-05-31', '2025-05-31')).toMatch(/not 5年/);
  });

  it('allows any class term for a class-dependent rule, and nothing to check for one that follows a parent', () => {
    const workPermit = parseValidityText('2至5年,1年(C类)');
    expect(validityWarning(workPermit, '2026-01-10', '2027-01-09')).toBeUndefined();
    expect(validityWarning(workPermit, '2026-01-10', '2031-01-10')).toBeUndefined();
    expect(validityWarning(workPermit, '2026-01-10', '2032-06-01')).toMatch(/not 1至5年/);
    expect(validityWarning(parseValidityText('随公司许可时间而定'), '2026-01-10', '2040-01-01')).toBeUndefined();
  });
});
