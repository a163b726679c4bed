import { DateTime } from 'luxon';
import { isCalendarDate, type CalendarDate } from './calendar-date';

/** What a licence's term follows when the catalogue gives no number of years. */
export const PARENT_KINDS = ['company_permit', 'platform_permit', 'prerequisite_permit'] as const;
export type ParentKind = (typeof PARENT_KINDS)[number];

/**
 * The catalogue's validity text (有效期) as a rule the engine can check expiry dates against.
 * `none` licences never expire and get no reminders; `follows_parent` ones expire with the
 * licence they depend on (a taxi's operating certificate with its company's permit).
 */
export type ValidityRule =
  | { kind: 'years'; minYears: number; maxYears: number; byClass?: Record<string, number> }
  | { kind: 'none' }
  | { kind: 'follows_parent'; parent: ParentKind };

const CHINESE_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function yearsOf(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : CHINESE_DIGITS[text];
  if (value === undefined || value < 1 || value > 50) throw new Error(`"${text}" is not a number of years`);
  return value;
}

const YEARS = '(\\d+|[一二两三四五六七八九十])';
const FIXED = new RegExp(`^${YEARS}年$`);
const RANGE = new RegExp(`^${YEARS}\\s*(?:至|-|－|~|～|—)\\s*${YEARS}年$`);
const CLASS_TERM = new RegExp(`^${YEARS}年[（(]([A-Za-z0-9]+)类[)）]$`);

/**
 * Reads a catalogue validity text: `5年`, `3至5年`, `3-5年`, `2至5年,1年(C类)`, `无`,
 * `随公司许可时间而定`, `随平台许可时间而定`, or the business licence's "follows its prerequisite
 * permit" wording.
 *
 * @throws Error naming the text and the forms understood, for a text no rule fits: the catalogue
 *   entry must then be given a rule by hand rather than guessed.
 */
export function parseValidityText(text: string): ValidityRule {
  const compact = text.replace(/\s+/g, '');
  if (compact === '无' || compact === '长期' || compact === '长期有效') return { kind: 'none' };
  if (/^随.*公司.*许可/.test(compact)) return { kind: 'follows_parent', parent: 'company_permit' };
  if (/^随.*平台.*许可/.test(compact)) return { kind: 'follows_parent', parent: 'platform_permit' };
  if (/前置许可/.test(compact)) return { kind: 'follows_parent', parent: 'prerequisite_permit' };

  const [general, ...classTerms] = compact.split(/[,，;；]/);
  const byClass: Record<string, number> = {};
  for (const term of classTerms) {
    const match = CLASS_TERM.exec(term);
    if (!match) throw unreadable(text);
    byClass[match[2]!.toUpperCase()] = yearsOf(match[1]!);
  }
  const fixed = FIXED.exec(general ?? '');
  const range = RANGE.exec(general ?? '');
  let minYears: number;
  let maxYears: number;
  if (fixed) minYears = maxYears = yearsOf(fixed[1]!);
  else if (range) [minYears, maxYears] = [yearsOf(range[1]!), yearsOf(range[2]!)];
  else throw unreadable(text);
  if (minYears > maxYears) throw unreadable(text);
  return classTerms.length > 0 ? { kind: 'years', minYears, maxYears, byClass } : { kind: 'years', minYears, maxYears };
}

function unreadable(text: string): Error {
  return new Error(
    `validity text "${text}" fits no rule; write it as N年, M至N年, M至N年,K年(X类), 无, or 随…许可时间而定`,
  );
}

/**
 * Checks an expiry date against the rule. A term the rule cannot produce is not refused — the
 * e-licence data are what was issued — but it earns a warning for the department to look at.
 *
 * @returns `undefined` when the dates fit, else the warning.
 */
export function validityWarning(rule: ValidityRule, issuedOn: CalendarDate, expiresOn: CalendarDate): string | undefined {
  if (rule.kind !== 'years' || !isCalendarDate(issuedOn) || !isCalendarDate(expiresOn)) return undefined;
  const issued = DateTime.fromISO(issuedOn, { zone: 'UTC' });
  const expires = DateTime.fromISO(expiresOn, { zone: 'UTC' });
  const terms = [rule.minYears, rule.maxYears, ...Object.values(rule.byClass ?? {})];
  const shortest = Math.min(...terms);
  const longest = Math.max(...terms);
  // The last valid day is usually the day before the anniversary; some bureaus write the anniversary.
  const earliest = issued.plus({ years: shortest }).minus({ days: 1 });
  const latest = issued.plus({ years: longest });
  if (expires >= earliest && expires <= latest) return undefined;
  const allowed = shortest === longest ? `${shortest}年` : `${shortest}至${longest}年`;
  return `expiresOn ${expiresOn} is not ${allowed} after issuedOn ${issuedOn} (catalogue validity ${allowed}); check the dates`;
}
