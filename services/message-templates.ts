import {
  DEFAULT_TEMPLATES,
  MESSAGE_CHANNELS,
  messageValues,
  renderMessage,
  type MessageChannel,
  type MessageValues,
} from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { calendarDateOf } from './licence-registration';

/** Where a licence's wording came from: its licence type, its bureau, or the engine's default. */
export type TemplateSource = 'licence_type' | 'bureau' | 'default';

/** The catalogue code of a bureau-wide template. */
export const BUREAU_WIDE = '*';

export interface EffectiveTemplate {
  channel: MessageChannel;
  text: string;
  /** The SMS provider's id of the wording; unset means the configured default template. */
  providerTemplateId: string | null;
  source: TemplateSource;
}

/**
 * The wording a licence type of a bureau uses on a channel: the type's own, else the bureau's,
 * else the engine's default.
 */
export async function effectiveTemplate(prisma: PrismaClient, bureauCode: string, catalogueCode: string, channel: MessageChannel): Promise<EffectiveTemplate> {
  const rows = await prisma.messageTemplate.findMany({ where: { bureauCode, channel, catalogueCode: { in: [catalogueCode, BUREAU_WIDE] } } });
  return chosenTemplate(rows, catalogueCode, channel);
}

/**
 * Every licence type's wording of a bureau on a channel, read in one query: for lists that word
 * many licences at once.
 */
export async function bureauTemplates(prisma: PrismaClient, bureauCode: string, channel: MessageChannel): Promise<(catalogueCode: string) => EffectiveTemplate> {
  const rows = await prisma.messageTemplate.findMany({ where: { bureauCode, channel } });
  return (catalogueCode) => chosenTemplate(rows, catalogueCode, channel);
}

type TemplateRow = { catalogueCode: string; text: string; providerTemplateId: string | null };

function chosenTemplate(rows: readonly TemplateRow[], catalogueCode: string, channel: MessageChannel): EffectiveTemplate {
  const own = rows.find((row) => row.catalogueCode === catalogueCode) ?? rows.find((row) => row.catalogueCode === BUREAU_WIDE);
  if (own) return { channel, text: own.text, providerTemplateId: own.providerTemplateId, source: own.catalogueCode === BUREAU_WIDE ? 'bureau' : 'licence_type' };
  return { channel, text: DEFAULT_TEMPLATES[channel], providerTemplateId: null, source: 'default' };
}

/** A licence with what its reminders are worded from. */
export interface LicenceForMessage {
  holderName: string;
  licenceNumber: string;
  expiresOn: Date;
  bureauCode: string;
  bureau: { name: string; officeAddress: string | null; servicePhone: string | null; portalUrl: string | null };
  catalogueEntry: {
    code: string;
    licenceName: string;
    renewalDeadline: string | null;
    officeAddress: string | null;
    servicePhone: string | null;
    materials: string[];
    bookingUrl: string | null;
  };
}

/** Every template value of a licence, its unset guidance filled from the bureau's. */
export function valuesOfLicence(licence: LicenceForMessage): MessageValues {
  const entry = licence.catalogueEntry;
  return messageValues({
    holderName: licence.holderName,
    licenceName: entry.licenceName,
    licenceNumber: licence.licenceNumber,
    expiresOn: calendarDateOf(licence.expiresOn),
    renewalDeadline: entry.renewalDeadline,
    officeAddress: entry.officeAddress,
    servicePhone: entry.servicePhone,
    materials: entry.materials,
    bookingUrl: entry.bookingUrl,
    bureauName: licence.bureau.name,
    bureauOfficeAddress: licence.bureau.officeAddress,
    bureauServicePhone: licence.bureau.servicePhone,
    bureauPortalUrl: licence.bureau.portalUrl,
  });
}

/** A licence's reminder on one channel: the wording, its values and the message they make. */
export interface LicenceMessage extends EffectiveTemplate {
  values: MessageValues;
  message: string;
}

/** Words a licence's reminder on a channel with the wording its bureau and licence type chose. */
export async function licenceMessage(prisma: PrismaClient, licence: LicenceForMessage, channel: MessageChannel): Promise<LicenceMessage> {
  const template = await effectiveTemplate(prisma, licence.bureauCode, licence.catalogueEntry.code, channel);
  const values = valuesOfLicence(licence);
  return { ...template, values, message: renderMessage(template.text, values) };
}

/** Every channel's wording for a licence type, or for a bureau when `catalogueCode` is `*`. */
export async function templatesOf(prisma: PrismaClient, bureauCode: string, catalogueCode: string): Promise<EffectiveTemplate[]> {
  return Promise.all(MESSAGE_CHANNELS.map((channel) => effectiveTemplate(prisma, bureauCode, catalogueCode, channel)));
}

/**
 * The SMS wording approved at the provider under an id: the configured default template, or a
 * bureau's wording registered with its provider id. What a provider's template store holds.
 */
export async function approvedSmsTemplate(prisma: PrismaClient, defaultTemplateId: string, templateId: string): Promise<string | undefined> {
  if (templateId === defaultTemplateId) return DEFAULT_TEMPLATES.sms;
  const row = await prisma.messageTemplate.findFirst({ where: { channel: 'sms', providerTemplateId: templateId } });
  return row?.text;
}
