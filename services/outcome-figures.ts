import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { outcomeWords, REMINDER_CHANNELS } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { departmentsInCatalogueOrder } from './dashboard';
import { CHANNEL_LABELS } from './ledger-export';

/**
 * A month as `YYYY-MM` that the figures can be counted for: licences of this engine were issued
 * and expire within these centuries, and year 0 is no date at all.
 */
export const MONTH_PATTERN = /^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/;

/** A period of whole calendar months, `from` to `to` inclusive, as `YYYY-MM`. */
export interface MonthPeriod {
  from: string;
  to: string;
}

/** What the reminders achieved in one department over a period (seed 三(五)). */
export interface DepartmentOutcome {
  department: string;
  /** Licence terms that expired within the period: every one of them had its reminder window open. */
  expiring: number;
  /** Of those, the ones reminded (by any channel) before their expiry date. */
  remindedBeforeExpiry: number;
  /** Of those, the ones whose renewal was approved on or before their expiry date. */
  renewedBeforeExpiry: number;
  /** Of those, the ones that expired without a renewal. */
  lapsed: number;
  /** remindedBeforeExpiry / expiring; null when nothing expired. */
  coverage: number | null;
  /** renewedBeforeExpiry / expiring; null when nothing expired. */
  renewalRate: number | null;
  /** Reminders made within the period, by channel and outcome. */
  reminders: Array<{ channel: string; outcome: string; count: number }>;
  /** Tasks still open or claimed whose due time has passed, as of now. */
  overdueTasks: number;
}

export interface OutcomeFigures {
  bureau: string;
  period: MonthPeriod;
  departments: DepartmentOutcome[];
}

const REMINDERS = new Set<string>(REMINDER_CHANNELS);

/** The first day of the period and the first day after it, as the database's calendar dates. */
export function periodBounds(period: MonthPeriod): { start: Date; end: Date } {
  const start = DateTime.fromFormat(period.from, 'yyyy-MM', { zone: 'utc' });
  const end = DateTime.fromFormat(period.to, 'yyyy-MM', { zone: 'utc' }).plus({ months: 1 });
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/**
 * The outcome figures of a bureau's departments over a period. A licence renewed under the same
 * number counts once per term that expired in the period.
 */
export async function outcomeFigures(prisma: PrismaClient, bureau: string, period: MonthPeriod, now: Date): Promise<OutcomeFigures> {
  const { start, end } = periodBounds(period);
  const [departments, terms, reminders, overdue] = await Promise.all([
    departmentsInCatalogueOrder(prisma, bureau),
    prisma.licenceTerm.findMany({
      where: { expiresOn: { gte: start, lt: end }, licence: { bureauCode: bureau } },
      select: {
        licenceId: true,
        issuedOn: true,
        expiresOn: true,
        licence: {
          select: {
            catalogueEntry: { select: { department: { select: { name: true } } } },
            ledger: { select: { expiresOn: true, remindedOn: true, channel: true, outcome: true } },
            renewals: { where: { decision: 'approved' }, select: { decidedOn: true } },
          },
        },
      },
    }),
    prisma.ledgerEntry.groupBy({
      by: ['departmentName', 'channel', 'outcome'],
      where: { bureauCode: bureau, remindedOn: { gte: start, lt: end }, channel: { in: [...REMINDER_CHANNELS] } },
      _count: { _all: true },
      orderBy: [{ departmentName: 'asc' }, { channel: 'asc' }, { outcome: 'asc' }],
    }),
    prisma.humanTask.groupBy({
      by: ['departmentId'],
      where: { department: { bureauCode: bureau }, status: { in: ['open', 'claimed'] }, dueAt: { lt: now } },
      _count: { _all: true },
    }),
  ]);
  const outcomes = new Map<string, DepartmentOutcome>(departments.map((department) => [department.name, emptyOutcome(department.name)]));
  const outcomeOf = (department: string) => outcomes.get(department) ?? outcomes.set(department, emptyOutcome(department)).get(department)!;

  for (const term of terms) {
    const outcome = outcomeOf(term.licence.catalogueEntry.department.name);
    const expiry = term.expiresOn.getTime();
    const ofThisTerm = term.licence.ledger.filter((row) => row.expiresOn.getTime() === expiry);
    outcome.expiring += 1;
    if (ofThisTerm.some((row) => REMINDERS.has(row.channel) && row.remindedOn.getTime() < expiry)) outcome.remindedBeforeExpiry += 1;
    const renewed = term.licence.renewals.some(
      (renewal) => renewal.decidedOn !== null && renewal.decidedOn.getTime() >= term.issuedOn.getTime() && renewal.decidedOn.getTime() <= expiry,
    );
    if (renewed) outcome.renewedBeforeExpiry += 1;
    if (ofThisTerm.some((row) => row.channel === 'expiry' && row.outcome === 'expired_unrenewed')) outcome.lapsed += 1;
  }
  for (const group of reminders) {
    outcomeOf(group.departmentName).reminders.push({ channel: group.channel, outcome: group.outcome, count: group._count._all });
  }
  const nameOf = new Map(departments.map((department) => [department.id, department.name]));
  for (const group of overdue) outcomeOf(nameOf.get(group.departmentId) ?? '—').overdueTasks += group._count._all;

  for (const outcome of outcomes.values()) {
    outcome.coverage = outcome.expiring > 0 ? outcome.remindedBeforeExpiry / outcome.expiring : null;
    outcome.renewalRate = outcome.expiring > 0 ? outcome.renewedBeforeExpiry / outcome.expiring : null;
  }
  return { bureau, period, departments: [...outcomes.values()] };
}

function emptyOutcome(department: string): DepartmentOutcome {
  return { department, expiring: 0, remindedBeforeExpiry: 0, renewedBeforeExpiry: 0, lapsed: 0, coverage: null, renewalRate: null, reminders: [], overdueTasks: 0 };
}

/** A share as a percentage with one decimal, or — when there is nothing to share. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** The figures as a workbook: the summary and the reminders by channel, in the 台账's words. */
export async function outcomeWorkbook(figures: OutcomeFigures, bureauName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const summary = workbook.addWorksheet('提醒成效');
  summary.addRow([`${bureauName}证照到期提醒成效 ${figures.period.from} 至 ${figures.period.to}`]);
  summary.addRow(['科室', '期内到期证照', '到期前已提醒', '提醒覆盖率', '到期前已延续', '到期前延续率', '到期未延续', '逾期任务']);
  for (const row of figures.departments) {
    summary.addRow([row.department, row.expiring, row.remindedBeforeExpiry, percent(row.coverage), row.renewedBeforeExpiry, percent(row.renewalRate), row.lapsed, row.overdueTasks]);
  }
  summary.columns.forEach((column) => (column.width = 16));
  const byChannel = workbook.addWorksheet('提醒方式与结果');
  byChannel.addRow(['科室', '提醒方式', '提醒结果', '次数']);
  for (const row of figures.departments) {
    for (const reminder of row.reminders) byChannel.addRow([row.department, CHANNEL_LABELS[reminder.channel] ?? reminder.channel, outcomeWords(reminder.channel, reminder.outcome), reminder.count]);
  }
  byChannel.columns.forEach((column) => (column.width = 18));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The months asked for, the last twelve unless told: a missing end is this month in the bureau's
 * zone, a missing start eleven months before the end.
 */
export function askedPeriod(asked: { from?: string; to?: string }, now: Date, timeZone: string): MonthPeriod {
  const to = asked.to ?? DateTime.fromJSDate(now, { zone: timeZone }).toFormat('yyyy-MM');
  const from = asked.from ?? DateTime.fromFormat(to, 'yyyy-MM', { zone: 'utc' }).minus({ months: 11 }).toFormat('yyyy-MM');
  return { from, to };
}

