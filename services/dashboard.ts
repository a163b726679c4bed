import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { FINAL_STAGES, LICENCE_STAGES, type LicenceStage } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { calendarDateOf, dateColumn } from './licence-registration';

/** The supervisors' overview of one bureau. */
export interface Dashboard {
  bureau: string;
  /** Licences per department and stage. */
  byStage: Array<{ department: string; counts: Record<LicenceStage, number>; total: number }>;
  /** Licences still running that expire within 30, 60 and 90 days of today (bureau calendar). */
  expiring: { within30: number; within60: number; within90: number };
  overdueTasks: OverdueTask[];
}

export interface OverdueTask {
  id: string;
  kind: string;
  department: string;
  licenceId: string;
  licenceNumber: string;
  holderName: string;
  dueAt: string;
  claimedBy: string | null;
  /** When the licence's workflow escalated it at its due time; unset until the workflow has. */
  escalatedAt: string | null;
}

const OPEN_TASK = ['open', 'claimed'];

/** Open and claimed tasks past their due time, oldest first: each is escalated to the bureau's supervisors. */
export async function overdueTasks(prisma: PrismaClient, bureau: string, now = new Date()): Promise<OverdueTask[]> {
  const tasks = await prisma.humanTask.findMany({
    where: { status: { in: OPEN_TASK }, dueAt: { lt: now }, department: { bureauCode: bureau } },
    include: { licence: true, department: true },
    orderBy: { dueAt: 'asc' },
    take: 500,
  });
  return tasks.map((task) => ({
    id: task.id,
    kind: task.kind,
    department: task.department.name,
    licenceId: task.licenceId,
    licenceNumber: task.licence.licenceNumber,
    holderName: task.licence.holderName,
    dueAt: task.dueAt.toISOString(),
    claimedBy: task.claimedBy,
    escalatedAt: task.escalatedAt?.toISOString() ?? null,
  }));
}

/**
 * A bureau's departments in the catalogue's order (the order of their first licence type's code, as
 * the notice lists them: 四组, 五组, 六组 …), departments without a licence type last by name.
 */
export async function departmentsInCatalogueOrder(prisma: PrismaClient, bureau: string) {
  const departments = await prisma.department.findMany({ where: { bureauCode: bureau }, include: { catalogue: { select: { code: true }, orderBy: { code: 'asc' }, take: 1 } } });
  const firstCode = (department: (typeof departments)[number]) => department.catalogue[0]?.code;
  return departments.sort((a, b) => {
    const [codeA, codeB] = [firstCode(a), firstCode(b)];
    if (codeA !== undefined && codeB !== undefined) return codeA.localeCompare(codeB, 'en', { numeric: true });
    if (codeA !== undefined || codeB !== undefined) return codeA !== undefined ? -1 : 1;
    return a.name.localeCompare(b.name, 'zh-CN');
  });
}

/** Counts licences by department and stage, those expiring soon, and lists the overdue tasks. */
export async function bureauDashboard(prisma: PrismaClient, bureau: string, now = new Date()): Promise<Dashboard> {
  const bureauRow = await prisma.bureau.findUniqueOrThrow({ where: { code: bureau } });
  const [groups, entries, departments] = await Promise.all([
    prisma.licence.groupBy({ by: ['catalogueEntryId', 'stage'], where: { bureauCode: bureau }, _count: { _all: true } }),
    prisma.catalogueEntry.findMany({ where: { bureauCode: bureau }, include: { department: true } }),
    departmentsInCatalogueOrder(prisma, bureau),
  ]);
  const order = new Map(departments.map((department, index) => [department.name, index]));
  const rank = (department: string) => order.get(department) ?? departments.length;
  const departmentOf = new Map(entries.map((entry) => [entry.id, entry.department.name]));
  const rows = new Map<string, Dashboard['byStage'][number]>();
  for (const group of groups) {
    const department = departmentOf.get(group.catalogueEntryId) ?? '—';
    const row = rows.get(department) ?? { department, counts: Object.fromEntries(LICENCE_STAGES.map((stage) => [stage, 0])) as Record<LicenceStage, number>, total: 0 };
    row.counts[group.stage as LicenceStage] += group._count._all;
    row.total += group._count._all;
    rows.set(department, row);
  }
  const today = DateTime.fromJSDate(now).setZone(bureauRow.timeZone).toISODate()!;
  const within = (days: number) =>
    prisma.licence.count({
      where: {
        bureauCode: bureau,
        stage: { notIn: [...FINAL_STAGES] },
        expiresOn: { gte: dateColumn(today), lte: dateColumn(DateTime.fromISO(today).plus({ days }).toISODate()!) },
      },
    });
  const [within30, within60, within90] = await Promise.all([within(30), within(60), within(90)]);
  return {
    bureau,
    byStage: [...rows.values()].sort((a, b) => rank(a.department) - rank(b.department)),
    expiring: { within30, within60, within90 },
    overdueTasks: await overdueTasks(prisma, bureau, now),
  };
}

/** The 督促检查 report of one department. */
export interface DepartmentInspection {
  department: string;
  /** Licences whose reminder window is open but that have no ledger row yet: nobody reminded them. */
  unremindedLicences: Array<{ id: string; licenceNumber: string; holderName: string; expiresOn: string }>;
  overdueTasks: number;
  /** Ledger rows with an empty column of the 台账 template. */
  incompleteLedgerRows: Array<{ id: string; licenceNumber: string; remindedOn: string; missing: string[] }>;
}

const LEDGER_COLUMNS = {
  holderName: '持证主体',
  licenceName: '证照名称',
  licenceNumber: '证照编号',
  contactName: '联系人',
  contactPhone: '联系方式',
  remindedBy: '提醒人',
  channel: '提醒方式',
  outcome: '提醒结果',
} as const;

/** The inspection report (督促检查) of a bureau, one section per department that has anything to show or own licences. */
export async function inspectionReport(prisma: PrismaClient, bureau: string, now = new Date()): Promise<DepartmentInspection[]> {
  const departments = await departmentsInCatalogueOrder(prisma, bureau);
  const [unreminded, overdue, ledger] = await Promise.all([
    prisma.licence.findMany({
      where: { bureauCode: bureau, stage: 'window_open', ledger: { none: {} } },
      include: { catalogueEntry: true },
      orderBy: { expiresOn: 'asc' },
    }),
    prisma.humanTask.groupBy({ by: ['departmentId'], where: { status: { in: OPEN_TASK }, dueAt: { lt: now }, department: { bureauCode: bureau } }, _count: { _all: true } }),
    prisma.ledgerEntry.findMany({
      where: { bureauCode: bureau, OR: Object.keys(LEDGER_COLUMNS).map((column) => ({ [column]: '' })) },
      orderBy: { remindedAt: 'asc' },
    }),
  ]);
  return departments.map((department) => ({
    department: department.name,
    unremindedLicences: unreminded
      .filter((licence) => licence.catalogueEntry.departmentId === department.id)
      .map((licence) => ({ id: licence.id, licenceNumber: licence.licenceNumber, holderName: licence.holderName, expiresOn: calendarDateOf(licence.expiresOn) })),
    overdueTasks: overdue.find((group) => group.departmentId === department.id)?._count._all ?? 0,
    incompleteLedgerRows: ledger
      .filter((row) => row.departmentName === department.name)
      .map((row) => ({
        id: row.id,
        licenceNumber: row.licenceNumber,
        remindedOn: calendarDateOf(row.remindedOn),
        missing: Object.entries(LEDGER_COLUMNS)
          .filter(([column]) => (row as unknown as Record<string, string>)[column] === '')
          .map(([, label]) => label),
      })),
  }));
}

/** The inspection report as a workbook: a summary sheet and one sheet of findings. */
export async function inspectionWorkbook(report: DepartmentInspection[], bureauName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const summary = workbook.addWorksheet('汇总');
  summary.addRow([`${bureauName}证照到期提醒督促检查`]);
  summary.addRow(['科室', '窗口期内未提醒证照', '逾期任务', '台账缺项行']);
  for (const section of report) {
    summary.addRow([section.department, section.unremindedLicences.length, section.overdueTasks, section.incompleteLedgerRows.length]);
  }
  summary.columns.forEach((column) => (column.width = 22));
  addFindingsSheet(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The sheet 问题清单: one row per unreminded licence and per incomplete ledger row. */
export function addFindingsSheet(workbook: ExcelJS.Workbook, report: DepartmentInspection[]): void {
  const findings = workbook.addWorksheet('问题清单');
  findings.addRow(['科室', '问题', '证照编号', '持证主体 / 提醒日期', '说明']);
  for (const section of report) {
    for (const licence of section.unremindedLicences) {
      findings.addRow([section.department, '窗口期内未提醒', licence.licenceNumber, licence.holderName, `到期日 ${licence.expiresOn}`]);
    }
    for (const row of section.incompleteLedgerRows) {
      findings.addRow([section.department, '台账缺项', row.licenceNumber, row.remindedOn, `缺少：${row.missing.join('、')}`]);
    }
  }
  findings.columns.forEach((column) => (column.width = 24));
}
