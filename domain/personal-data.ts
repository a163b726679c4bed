// Phone and ID numbers are personal data: anything that leaves the process for people who do not
// own the record (logs, lists outside the department) shows them masked.

const MAINLAND_MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)/g;
const RESIDENT_ID = /(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])/g;

/** Masks mainland mobile numbers (138****5678), landlines (0631-****5678) and resident ID numbers. */
export function maskPersonalText(text: string): string {
  return text
    .replace(RESIDENT_ID, '$1********$2')
    .replace(MAINLAND_MOBILE, '$1****$3')
    .replace(LANDLINE, '$1-****$3');
}

/** Applies {@link maskPersonalText} to every string inside a JSON-like value. */
export function maskPersonalData<T>(value: T): T {
  if (typeof value === 'string') return maskPersonalText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => maskPersonalData(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskPersonalData(item)])) as T;
  }
  return value;
}

// Personal names: two to four Han characters, a minority name joined by ·, or a name in Latin letters.
const HAN_PERSONAL_NAME = /^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]+(?:[·•][\u4e00-\u9fff]+)+$/u;
const LATIN_PERSONAL_NAME = /^[A-Za-z]+(?:[ .'-]+[A-Za-z]+)*$/;
const LATIN_ORGANISATION = /\b(?:ltd|limited|co|company|corp|corporation|inc|llc|gmbh|group|hospital|clinic|association)\b/i;

/**
 * A holder's name as a public list may show it (集中提醒): an organisation's name whole, any phone
 * or ID number in it masked; a person's name reduced to its first character (张**, J*** S****).
 * A short name that might be either is treated as a person's.
 */
export function maskHolderName(name: string): string {
  const trimmed = name.trim();
  if (HAN_PERSONAL_NAME.test(trimmed)) {
    const characters = [...trimmed.replace(/[·•]/g, '')];
    return `${characters[0]}${'*'.repeat(Math.min(characters.length - 1, 3))}`;
  }
  if (LATIN_PERSONAL_NAME.test(trimmed) && !LATIN_ORGANISATION.test(trimmed)) {
    return trimmed
      .split(/[ .'-]+/)
      .map((word) => `${word[0]}${'*'.repeat(word.length - 1)}`)
      .join(' ');
  }
  return maskPersonalText(trimmed);
}
