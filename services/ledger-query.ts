import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { calendarDateOf, dateColumn } from './licence-registration';
import type { LedgerExportRow } from './ledger-export';

/** Which ledger rows to read: every filter optional, dates inclusive on the bureau calendar. */
export interface LedgerFilter {
  bureau?: string;
  department?: string;
  from?: string;
  to?: string;
  channel?: string;
  outcome?: string;
  licenceId?: string;
}

/** One ledger row as the API shows it. */
export type LedgerRowView = LedgerExportRow & { id: string; licenceId: string; remindedAt: string };

function whereOf(filter: LedgerFilter): Prisma.LedgerEntryWhereInput {
  return {
    ...(filter.bureau ? { bureauCode: filter.bureau } : {}),
    ...(filter.department ? { departmentName: filter.department } : {}),
    ...(filter.channel ? { channel: filter.channel } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.licenceId ? { licenceId: filter.licenceId } : {}),
    ...(filter.from || filter.to
      ? {
          remindedOn: {
            ...(filter.from ? { gte: dateColumn(filter.from) } : {}),
            ...(filter.to ? { lte: dateColumn(filter.to) } : {}),
          },
        }
      : {}),
  };
}

type LedgerEntryRow = Prisma.LedgerEntryGetPayload<object>;

function viewOf(row: LedgerEntryRow): LedgerRowView {
  return {
    id: row.id,
    licenceId: row.licenceId,
    departmentName: row.departmentName,
    holderName: row.holderName,
    licenceName: row.licenceName,
    licenceNumber: row.licenceNumber,
    expiresOn: calendarDateOf(row.expiresOn),
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    remindedOn: calendarDateOf(row.remindedOn),
    remindedAt: row.remindedAt.toISOString(),
    remindedBy: row.remindedBy,
    channel: row.channel,
    outcome: row.outcome,
  };
}

// Ledger order: by department as the template groups them, then by the day reminded.
const LEDGER_ORDER: Prisma.LedgerEntryOrderByWithRelationInput[] = [{ departmentName: 'asc' }, { remindedAt: 'asc' }, { id: 'asc' }];

/** One page of the ledger, with the total count for the filter. */
export async function ledgerPage(
  prisma: PrismaClient,
  filter: LedgerFilter,
  page: number,
  pageSize: number,
): Promise<{ rows: LedgerRowView[]; total: number }> {
  const where = whereOf(filter);
  const [rows, total] = await Promise.all([
    prisma.ledgerEntry.findMany({ where, orderBy: LEDGER_ORDER, skip: (page - 1) * pageSize, take: pageSize }),
    prisma.ledgerEntry.count({ where }),
  ]);
  return { rows: rows.map(viewOf), total };
}

/**
 * Every ledger row of a filter, for the exports, read in batches by id so that a large ledger
 * never sits in one query.
 *
 * @throws Error when more than `limit` rows match: narrow the filter (a department, a date range).
 */
export async function ledgerRows(prisma: PrismaClient, filter: LedgerFilter, limit = 200_000): Promise<LedgerRowView[]> {
  const where = whereOf(filter);
  const total = await prisma.ledgerEntry.count({ where });
  if (total > limit) throw new Error(`${total} ledger rows match; exports take at most ${limit}: narrow by department or dates`);
  const rows: LedgerRowView[] = [];
  const batch = 5_000;
  for (let skip = 0; skip < total; skip += batch) {
    const page = await prisma.ledgerEntry.findMany({ where, orderBy: LEDGER_ORDER, skip, take: batch });
    rows.push(...page.map(viewOf));
  }
  return rows;
}
