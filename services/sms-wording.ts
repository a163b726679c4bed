import { billedSmsParts, FINAL_STAGES, renderMessage, type MessageValues } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { BUREAU_WIDE, valuesOfLicence } from './message-templates';

/** Licences read to judge a wording: enough to find the longest names, few enough to answer at once. */
const SAMPLED_LICENCES = 500;
// Where a bureau has no licence of the type yet, a name and number as long as common ones.
const SAMPLE_HOLDER = '威海市示例医药连锁有限公司第一分公司';
const SAMPLE_NUMBER = '鲁威药经2027000001';

/**
 * The values a wording would be filled with for a bureau's current licences of a type (every type
 * for a bureau-wide wording); one made-up licence per type when there are none.
 */
export async function wordingSamples(prisma: PrismaClient, bureauCode: string, catalogueCode: string): Promise<MessageValues[]> {
  const types = catalogueCode === BUREAU_WIDE ? {} : { code: catalogueCode };
  const licences = await prisma.licence.findMany({
    where: { bureauCode, stage: { notIn: [...FINAL_STAGES] }, catalogueEntry: types },
    include: { bureau: true, catalogueEntry: true },
    take: SAMPLED_LICENCES,
  });
  if (licences.length > 0) return licences.map(valuesOfLicence);
  const entries = await prisma.catalogueEntry.findMany({ where: { bureauCode, ...types }, include: { bureau: true } });
  return entries.map(({ bureau, ...entry }) =>
    valuesOfLicence({ holderName: SAMPLE_HOLDER, licenceNumber: SAMPLE_NUMBER, expiresOn: new Date(), bureauCode, bureau, catalogueEntry: entry }),
  );
}

/** What an SMS wording costs: its longest text among the samples, signature included. */
export interface SmsBilling {
  characters: number;
  /** Messages that text is billed as: one up to 70 characters, else parts of 67. */
  parts: number;
  longestText: string;
}

/** The longest text a wording makes with these values under a signature, and what it is billed as. */
export function smsBillingOf(template: string, samples: readonly MessageValues[], signName: string): SmsBilling | null {
  let longest: string | undefined;
  for (const values of samples) {
    const text = `【${signName}】${renderMessage(template, values)}`;
    if (longest === undefined || [...text].length > [...longest].length) longest = text;
  }
  return longest === undefined ? null : { characters: [...longest].length, parts: billedSmsParts(longest), longestText: longest };
}
