import { templateParameters, type LicenceStage } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import type { LedgerExportRow } from './ledger-export';
import { calendarDateOf } from './licence-registration';
import { bureauTemplates, valuesOfLicence } from './message-templates';

/** The stages of a licence whose reminder window has opened and that is not closed yet. */
export const WINDOW_OPEN_STAGES: readonly LicenceStage[] = ['window_open', 'renewal_pending', 'expired'];

/** At most this many licences in one list: a department's window holds a few hundred. */
const REMIND_LIST_LIMIT = 2_000;

/** A licence of a department's to-remind list (三(二)): who to remind, how far the reminders went. */
export interface RemindListEntry {
  licenceId: string;
  departmentName: string;
  licenceNumber: string;
  licenceName: string;
  holderName: string;
  expiresOn: string;
  contact: { name: string; phone: string; flagged: boolean };
  stage: string;
  remindersMade: number;
  lastReminder: { remindedOn: string; channel: string; outcome: string; remindedBy: string } | null;
  openTask: { id: string; kind: string; dueAt: string; claimedBy: string | null } | null;
  /** The reminder SMS's parameters in its template's order, as the engine would send them. */
  smsParameters: Array<[name: string, value: string]>;
}

/**
 * A department's (or a bureau's) licences whose reminder window is open, or opens by `opensBy`,
 * soonest expiry first, reminded or not: the list the specialists remind from and the 台账 is built
 * from.
 */
export async function remindList(prisma: PrismaClient, filter: { bureau: string; department?: string; opensBy?: Date }): Promise<RemindListEntry[]> {
  const licences = await prisma.licence.findMany({
    where: {
      bureauCode: filter.bureau,
      // The workflow decides when a window opened; its stage is the read model's word for it.
      OR: [
        { stage: { in: [...WINDOW_OPEN_STAGES] } },
        ...(filter.opensBy ? [{ stage: 'awaiting_window', reminderWindowOpensAt: { lte: filter.opensBy } }] : []),
      ],
      ...(filter.department ? { catalogueEntry: { department: { name: filter.department } } } : {}),
    },
    include: {
      bureau: true,
      catalogueEntry: { include: { department: true } },
      ledger: { orderBy: { remindedAt: 'desc' } },
      tasks: { where: { status: { in: ['open', 'claimed'] } }, orderBy: { dueAt: 'asc' }, take: 1 },
    },
    orderBy: [{ expiresOn: 'asc' }, { licenceNumber: 'asc' }],
    take: REMIND_LIST_LIMIT,
  });
  const smsTemplateOf = await bureauTemplates(prisma, filter.bureau, 'sms');
  return licences.map((licence) => {
    // Reminders of this term: an earlier term's told of another expiry date.
    const reminders = licence.ledger.filter((row) => row.expiresOn.getTime() === licence.expiresOn.getTime());
    const last = reminders[0];
    const task = licence.tasks[0];
    const sms = smsTemplateOf(licence.catalogueEntry.code);
    return {
      licenceId: licence.id,
      departmentName: licence.catalogueEntry.department.name,
      licenceNumber: licence.licenceNumber,
      licenceName: licence.catalogueEntry.licenceName,
      holderName: licence.holderName,
      expiresOn: calendarDateOf(licence.expiresOn),
      contact: { name: licence.contactName, phone: licence.contactPhone, flagged: licence.contactFlaggedAt !== null },
      stage: licence.stage,
      remindersMade: reminders.length,
      lastReminder: last ? { remindedOn: calendarDateOf(last.remindedOn), channel: last.channel, outcome: last.outcome, remindedBy: last.remindedBy } : null,
      openTask: task ? { id: task.id, kind: task.kind, dueAt: task.dueAt.toISOString(), claimedBy: task.claimedBy } : null,
      smsParameters: templateParameters(sms.text, valuesOfLicence(licence)),
    };
  });
}

/**
 * The list as 台账 rows in 附件2's columns: a licence not reminded yet has its 提醒日期, 提醒人 and
 * result empty, to be filled once it is; a reminded one shows its latest reminder.
 */
export function remindListRows(entries: readonly RemindListEntry[]): LedgerExportRow[] {
  return entries.map((entry) => ({
    departmentName: entry.departmentName,
    holderName: entry.holderName,
    licenceName: entry.licenceName,
    licenceNumber: entry.licenceNumber,
    expiresOn: entry.expiresOn,
    contactName: entry.contact.name,
    contactPhone: entry.contact.phone,
    remindedOn: entry.lastReminder?.remindedOn ?? '',
    remindedBy: entry.lastReminder?.remindedBy ?? '',
    channel: entry.lastReminder?.channel ?? '',
    outcome: entry.lastReminder?.outcome ?? '',
    smsParameters: entry.smsParameters,
  }));
}
