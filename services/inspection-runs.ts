import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { localDateOf } from '../domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { addFindingsSheet, inspectionReport, type DepartmentInspection } from './dashboard';
import { Refusal } from './refusal';

/** Where a department stands with its findings (整改跟进). */
export const FOLLOW_UP_STATUSES = ['open', 'resolved', 'no_action'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_WORDS: Record<FollowUpStatus, string> = { open: '整改中', resolved: '已整改', no_action: '无需整改' };

export interface InspectionRunSummary {
  id: string;
  bureau: string;
  ranAt: string;
  trigger: string;
  requestedBy: string | null;
  totals: { unremindedLicences: number; overdueTasks: number; incompleteLedgerRows: number };
  /** Departments with findings whose newest follow-up is not `resolved` or `no_action`. */
  departmentsToFollowUp: number;
}

export interface InspectionFollowUpView {
  status: FollowUpStatus;
  note: string;
  markedBy: string;
  markedAt: string;
}

export interface InspectionSectionView extends DepartmentInspection {
  /** The newest follow-up's status; `open` while nobody has marked one on a department with findings. */
  followUp: FollowUpStatus | null;
  followUps: InspectionFollowUpView[];
}

export interface InspectionRunView extends InspectionRunSummary {
  departments: InspectionSectionView[];
}

const runInclude = { sections: { orderBy: { position: 'asc' }, include: { followUps: { orderBy: { markedAt: 'asc' } } } } } as const;
type RunRow = Prisma.InspectionRunGetPayload<{ include: typeof runInclude }>;

const hasFindings = (section: { unremindedLicences: number; overdueTasks: number; incompleteLedgerRows: number }) =>
  section.unremindedLicences + section.overdueTasks + section.incompleteLedgerRows > 0;

function viewOf(run: RunRow): InspectionRunView {
  const departments = run.sections.map((section): InspectionSectionView => {
    const followUps = section.followUps.map((followUp) => ({
      status: followUp.status as FollowUpStatus,
      note: followUp.note,
      markedBy: followUp.markedBy,
      markedAt: followUp.markedAt.toISOString(),
    }));
    const latest = followUps.at(-1)?.status ?? (hasFindings(section) ? 'open' : null);
    return { ...(section.findings as unknown as DepartmentInspection), followUp: latest, followUps };
  });
  const total = (field: 'unremindedLicences' | 'overdueTasks' | 'incompleteLedgerRows') => run.sections.reduce((sum, section) => sum + section[field], 0);
  return {
    id: run.id,
    bureau: run.bureauCode,
    ranAt: run.ranAt.toISOString(),
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    totals: { unremindedLicences: total('unremindedLicences'), overdueTasks: total('overdueTasks'), incompleteLedgerRows: total('incompleteLedgerRows') },
    departmentsToFollowUp: departments.filter((department) => department.followUp === 'open').length,
    departments,
  };
}

/**
 * Runs the inspection of a bureau as it stands at `ranAt` and keeps it, one section per
 * department. The same key answers the run already kept: the schedule's run of a day is taken once.
 */
export async function recordInspectionRun(
  prisma: PrismaClient,
  input: { bureauCode: string; idempotencyKey: string; ranAt: Date; trigger: 'schedule' | 'manual'; requestedBy?: string },
): Promise<InspectionRunView> {
  const kept = await prisma.inspectionRun.findUnique({ where: { idempotencyKey: input.idempotencyKey }, include: runInclude });
  if (kept) return viewOf(kept);
  const report = await inspectionReport(prisma, input.bureauCode, input.ranAt);
  try {
    const run = await prisma.inspectionRun.create({
      data: {
        bureauCode: input.bureauCode,
        idempotencyKey: input.idempotencyKey,
        ranAt: input.ranAt,
        trigger: input.trigger,
        requestedBy: input.requestedBy ?? null,
        sections: {
          create: report.map((section, position) => ({
            departmentName: section.department,
            position,
            unremindedLicences: section.unremindedLicences.length,
            overdueTasks: section.overdueTasks,
            incompleteLedgerRows: section.incompleteLedgerRows.length,
            findings: section as unknown as Prisma.InputJsonObject,
          })),
        },
      },
      include: runInclude,
    });
    return viewOf(run);
  } catch (error) {
    // Two deliveries of the same run at once: the other one kept it.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return viewOf(await prisma.inspectionRun.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey }, include: runInclude }));
  }
}

/** The key of the schedule's run on the bureau's local day of `firedAt`. */
export const scheduledInspectionKey = (bureau: { code: string; timeZone: string }, firedAt: Date) => `inspection/${bureau.code}/${localDateOf(firedAt, bureau.timeZone)}`;

/** A run a supervisor starts now: a run of its own, whatever ran earlier today. */
export function runInspectionNow(prisma: PrismaClient, bureauCode: string, now: Date, requestedBy: string): Promise<InspectionRunView> {
  return recordInspectionRun(prisma, { bureauCode, idempotencyKey: `inspection/${bureauCode}/manual/${randomUUID()}`, ranAt: now, trigger: 'manual', requestedBy });
}

/** A bureau's runs, newest first, without their findings. */
export async function inspectionRuns(prisma: PrismaClient, bureauCode: string, limit: number): Promise<InspectionRunSummary[]> {
  const runs = await prisma.inspectionRun.findMany({ where: { bureauCode }, orderBy: { ranAt: 'desc' }, take: limit, include: runInclude });
  return runs.map(viewOf).map(({ id, bureau, ranAt, trigger, requestedBy, totals, departmentsToFollowUp }) => ({ id, bureau, ranAt, trigger, requestedBy, totals, departmentsToFollowUp }));
}

/** One run with every department's findings and follow-ups. */
export async function inspectionRun(prisma: PrismaClient, id: string): Promise<InspectionRunView> {
  const run = await prisma.inspectionRun.findUnique({ where: { id }, include: runInclude });
  if (!run) throw Refusal.notFound(`Inspection run ${id}`, 'params.id');
  return viewOf(run);
}

/**
 * A supervisor's follow-up on a department's findings in a run.
 * @throws Refusal (not found) naming `department` when the run has no such department.
 */
export async function addFollowUp(
  prisma: PrismaClient,
  runId: string,
  input: { department: string; status: FollowUpStatus; note: string },
  markedBy: string,
  now: Date,
): Promise<InspectionRunView> {
  const section = await prisma.inspectionSection.findUnique({ where: { runId_departmentName: { runId, departmentName: input.department } } });
  if (!section) {
    await inspectionRun(prisma, runId);
    throw Refusal.notFound(`Department ${input.department} in inspection run ${runId}`, 'department');
  }
  await prisma.inspectionFollowUp.create({ data: { sectionId: section.id, status: input.status, note: input.note, markedBy, markedAt: now } });
  return inspectionRun(prisma, runId);
}

/** A run as a workbook: the summary with each department's follow-up, and every finding. */
export async function inspectionRunWorkbook(run: InspectionRunView, bureauName: string, timeZone: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ranAt = new Date(run.ranAt).toLocaleString('zh-CN', { timeZone, hour12: false });
  const summary = workbook.addWorksheet('汇总');
  summary.addRow([`${bureauName}证照到期提醒督促检查（${ranAt}）`]);
  summary.addRow(['科室', '窗口期内未提醒证照', '逾期任务', '台账缺项行', '整改跟进', '跟进说明', '跟进人']);
  for (const department of run.departments) {
    const latest = department.followUps.at(-1);
    summary.addRow([
      department.department,
      department.unremindedLicences.length,
      department.overdueTasks,
      department.incompleteLedgerRows.length,
      department.followUp ? FOLLOW_UP_WORDS[department.followUp] : '无问题',
      latest?.note ?? '',
      latest?.markedBy ?? '',
    ]);
  }
  summary.columns.forEach((column) => (column.width = 20));
  addFindingsSheet(workbook, run.departments);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
