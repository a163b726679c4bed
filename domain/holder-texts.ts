import type { MessageValueName, MessageValues } from './message-templates';

// What a text says about where and how to renew: one text may speak for several licences only when
// this is the same for all of them.
const SHARED_VALUES: readonly MessageValueName[] = ['deadline', 'office', 'phone', 'materials', 'booking', 'bureau'];
// What differs from licence to licence, listed in the one text in the licences' order.
const LISTED_VALUES: readonly MessageValueName[] = ['holder', 'licence', 'number', 'expires'];
const LIST_SEPARATOR = '、';

/**
 * The values of one text that reminds a holder of several licences: names, numbers and dates
 * listed (a value the licences share is written once), the rest shared.
 * @returns undefined when the licences differ in what the text says about renewing (another
 * office, another deadline): each then needs its own text.
 */
export function holderTextValues(licences: readonly MessageValues[]): MessageValues | undefined {
  const [first] = licences;
  if (!first) return undefined;
  if (licences.some((values) => SHARED_VALUES.some((name) => values[name] !== first[name]))) return undefined;
  const combined = { ...first };
  for (const name of LISTED_VALUES) combined[name] = [...new Set(licences.map((values) => values[name]))].join(LIST_SEPARATOR);
  return combined;
}

/** What a text says about renewing, the same for every licence one text may speak for. */
export function renewalSaying(values: MessageValues): string {
  return JSON.stringify(SHARED_VALUES.map((name) => values[name]));
}

/** How a holder is known across its licences: its unified social credit code or ID number when given, else its contact number. */
export function holderIdentity(licence: { holderIdNumber: string | null; contactPhone: string }): string {
  return licence.holderIdNumber ? `id:${licence.holderIdNumber}` : `phone:${licence.contactPhone}`;
}

/** The bundle of a holder's calls or letters opened on one calendar day of the bureau. */
export function taskBundleKey(kind: string, licence: { holderIdNumber: string | null; contactPhone: string }, day: string): string {
  return `${kind}/${holderIdentity(licence)}/${day}`;
}
