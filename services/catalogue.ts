import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DEFAULT_LADDER, FINAL_STAGES, ladderProblems, missingGuidance, parseValidityText, type LadderStep } from '../domain';
import type { CatalogueEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { Refusal } from './refusal';
import { regulatorLinksOf, setEntryRegulators, type RegulatorLink } from './regulators';
import { taskCompletedSignal } from '../workflows/licence-definitions';
import { replanCatalogueEntryWorkflow } from '../workflows/replan-workflow';

export interface CatalogueDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
}

/** The fields of an entry a department may change; each change is audited and versioned. */
export interface CatalogueEntryChanges {
  departmentName?: string;
  approvalItem?: string;
  licenceName?: string;
  validityText?: string;
  reminderLeadMonths?: number;
  graceDays?: number;
  renewalDeadline?: string | null;
  officeAddress?: string | null;
  servicePhone?: string | null;
  materials?: string[];
  bookingUrl?: string | null;
  /** The bureau's regulators its decisions go to (审管协同), each with its role: replaces the entry's list. */
  regulators?: RegulatorLink[];
  /** The same as ids: the first is the competent department, the others supervise. */
  regulatorIds?: string[];
  /** Said explicitly: decisions of this type go to no regulator. */
  regulatorsNotWanted?: boolean;
}

export interface NewCatalogueEntry extends CatalogueEntryChanges {
  bureau: string;
  code: string;
  departmentName: string;
  approvalItem: string;
  licenceName: string;
  validityText: string;
}

const AUDITED_FIELDS = [
  'departmentId',
  'approvalItem',
  'licenceName',
  'validityText',
  'reminderLeadMonths',
  'graceDays',
  'renewalDeadline',
  'officeAddress',
  'servicePhone',
  'materials',
  'bookingUrl',
  'regulatorsNotWanted',
  'retiredAt',
] as const;

function audited(entry: CatalogueEntry): Record<string, unknown> {
  return Object.fromEntries(AUDITED_FIELDS.map((field) => [field, entry[field] instanceof Date ? (entry[field] as Date).toISOString() : entry[field]]));
}

function validityOf(text: string) {
  try {
    return parseValidityText(text);
  } catch (error) {
    throw Refusal.invalid([{ path: 'validityText', message: error instanceof Error ? error.message : String(error) }]);
  }
}

async function departmentIdFor(tx: Prisma.TransactionClient, bureau: string, name: string): Promise<string> {
  const id = `${bureau}:${name}`;
  await tx.department.upsert({ where: { id }, create: { id, bureauCode: bureau, name }, update: {} });
  return id;
}

const regulatorsOf = async (tx: Prisma.TransactionClient, entryId: string) =>
  (await tx.catalogueRegulator.findMany({ where: { catalogueEntryId: entryId }, orderBy: { regulatorId: 'asc' } })).map((link) => ({ id: link.regulatorId, role: link.role }));

/** Adds an entry to a bureau's catalogue (version 1), audited. */
export async function createCatalogueEntry(prisma: PrismaClient, entry: NewCatalogueEntry, changedBy: string): Promise<CatalogueEntry> {
  const bureau = await prisma.bureau.findUnique({ where: { code: entry.bureau } });
  if (!bureau) throw Refusal.notFound(`Bureau ${entry.bureau}`, 'bureau');
  const validityRule = validityOf(entry.validityText);
  const id = `${entry.bureau}:${entry.code}`;
  if (await prisma.catalogueEntry.findUnique({ where: { id } })) {
    throw new Refusal('conflict', 'catalogue_entry_exists', `${entry.bureau} already has an entry ${entry.code}; change it with PATCH`);
  }
  return prisma.$transaction(async (tx) => {
    const { bureau: bureauCode, code, departmentName, regulators, regulatorIds, regulatorsNotWanted = false, ...fields } = entry;
    const created = await tx.catalogueEntry.create({
      data: {
        ...fields,
        id,
        bureauCode,
        code,
        departmentId: await departmentIdFor(tx, bureauCode, departmentName),
        validityRule,
        remindersEnabled: validityRule.kind !== 'none',
        regulatorsNotWanted,
      },
    });
    await setEntryRegulators(tx, created, regulatorLinksOf({ regulators, regulatorIds }) ?? [], regulatorsNotWanted);
    await tx.catalogueChange.create({
      data: { catalogueEntryId: id, version: 1, changedBy, action: 'create', after: { ...audited(created), regulators: await regulatorsOf(tx, id) } as Prisma.InputJsonObject },
    });
    return created;
  });
}

/**
 * Changes an entry: a new version and an audit row with the fields before and after. A new lead
 * time starts a durable re-plan job over every running licence of the entry.
 *
 * @returns the new version and, when one started, the re-plan job's id.
 */
export async function updateCatalogueEntry(
  deps: CatalogueDependencies,
  id: string,
  changes: CatalogueEntryChanges,
  changedBy: string,
): Promise<{ entry: CatalogueEntry; replanJobId?: string }> {
  const { prisma } = deps;
  const before = await prisma.catalogueEntry.findUnique({ where: { id } });
  if (!before) throw Refusal.notFound(`Catalogue entry ${id}`, 'params.id');
  if (before.retiredAt) throw new Refusal('conflict', 'catalogue_entry_retired', `Catalogue entry ${id} was retired; create a new entry instead`);
  const validityRule = changes.validityText !== undefined ? validityOf(changes.validityText) : undefined;
  const leadTimeChanged = changes.reminderLeadMonths !== undefined && changes.reminderLeadMonths !== before.reminderLeadMonths;

  const { entry, replanJobId } = await prisma.$transaction(async (tx) => {
    const { departmentName, regulators, regulatorIds, ...fields } = changes;
    const links = regulatorLinksOf({ regulators, regulatorIds });
    const regulatorsChange = links !== undefined || changes.regulatorsNotWanted !== undefined;
    const regulatorsBefore = await regulatorsOf(tx, id);
    if (regulatorsChange) {
      const notWanted = changes.regulatorsNotWanted ?? (links && links.length > 0 ? false : before.regulatorsNotWanted);
      fields.regulatorsNotWanted = notWanted;
      const remindersEnabled = validityRule ? validityRule.kind !== 'none' : before.remindersEnabled;
      await setEntryRegulators(tx, { id, bureauCode: before.bureauCode, remindersEnabled }, links ?? (notWanted ? [] : regulatorsBefore as RegulatorLink[]), notWanted);
    }
    const updated = await tx.catalogueEntry.update({
      where: { id, version: before.version },
      data: {
        ...fields,
        ...(departmentName ? { departmentId: await departmentIdFor(tx, before.bureauCode, departmentName) } : {}),
        ...(validityRule ? { validityRule, remindersEnabled: validityRule.kind !== 'none' } : {}),
        version: { increment: 1 },
      },
    });
    await tx.catalogueChange.create({
      data: {
        catalogueEntryId: id,
        version: updated.version,
        changedBy,
        action: 'update',
        before: { ...audited(before), ...(regulatorsChange ? { regulators: regulatorsBefore } : {}) } as Prisma.InputJsonObject,
        after: { ...audited(updated), ...(regulatorsChange ? { regulators: await regulatorsOf(tx, id) } : {}) } as Prisma.InputJsonObject,
      },
    });
    if (!leadTimeChanged) return { entry: updated, replanJobId: undefined };
    const reason = `reminderLeadMonths ${before.reminderLeadMonths} → ${updated.reminderLeadMonths} (v${updated.version})`;
    const job = await openReplanJob(tx, id, reason, { evenWithoutLicences: true });
    return { entry: updated, replanJobId: job?.id };
  });

  if (missingGuidance(entry).length === 0) await closeGuidanceTasks(deps, id, changedBy);
  if (replanJobId) await startReplanJob(deps, replanJobId, entry);
  return { entry, replanJobId };
}

/**
 * The entry's guidance is complete: every licence whose letter waited for it is told, and its
 * guidance task closes as completed by whoever completed the guidance.
 */
async function closeGuidanceTasks(deps: CatalogueDependencies, entryId: string, changedBy: string): Promise<void> {
  const tasks = await deps.prisma.humanTask.findMany({
    where: { kind: 'complete_guidance', status: { in: ['open', 'claimed'] }, licence: { catalogueEntryId: entryId } },
  });
  for (const task of tasks) {
    try {
      await deps.temporal.workflow.getHandle(task.workflowId).signal(taskCompletedSignal, { taskId: task.id, outcome: 'completed', completedBy: changedBy });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    await deps.prisma.humanTask.updateMany({
      where: { id: task.id, status: { in: ['open', 'claimed'] } },
      data: { status: 'completed', outcome: 'completed', completedBy: changedBy, completedAt: new Date() },
    });
  }
}

/**
 * Opens a re-plan job over the entry's running licences, in the caller's transaction.
 * @returns the job, or `undefined` when the entry has no running licence and none was asked for anyway.
 */
async function openReplanJob(
  tx: Prisma.TransactionClient,
  entryId: string,
  reason: string,
  options: { evenWithoutLicences: boolean },
): Promise<{ id: string } | undefined> {
  const total = await tx.licence.count({ where: { catalogueEntryId: entryId, stage: { notIn: [...FINAL_STAGES] } } });
  if (total === 0 && !options.evenWithoutLicences) return undefined;
  return tx.replanJob.create({ data: { catalogueEntryId: entryId, reason, status: 'running', total }, select: { id: true } });
}

/** Starts the durable workflow that runs a re-plan job; one per entry version, so a repeat is harmless. */
async function startReplanJob(deps: CatalogueDependencies, jobId: string, entry: CatalogueEntry): Promise<void> {
  try {
    await deps.temporal.workflow.start(replanCatalogueEntryWorkflow, {
      workflowId: `replan/${entry.id}/v${entry.version}`,
      taskQueue: deps.taskQueue,
      args: [{ jobId, catalogueEntryId: entry.id, reminderLeadMonths: entry.reminderLeadMonths, catalogueVersion: entry.version }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Retires an entry: no new registrations; licences already registered live on. Audited. */
export async function retireCatalogueEntry(prisma: PrismaClient, id: string, changedBy: string, reason: string): Promise<CatalogueEntry> {
  const before = await prisma.catalogueEntry.findUnique({ where: { id } });
  if (!before) throw Refusal.notFound(`Catalogue entry ${id}`, 'params.id');
  if (before.retiredAt) throw new Refusal('conflict', 'catalogue_entry_retired', `Catalogue entry ${id} is already retired`);
  return prisma.$transaction(async (tx) => {
    const retired = await tx.catalogueEntry.update({ where: { id }, data: { retiredAt: new Date(), version: { increment: 1 } } });
    await tx.catalogueChange.create({
      data: {
        catalogueEntryId: id,
        version: retired.version,
        changedBy,
        action: `retire: ${reason}`,
        before: audited(before) as Prisma.InputJsonObject,
        after: audited(retired) as Prisma.InputJsonObject,
      },
    });
    return retired;
  });
}

/**
 * Sets a department's escalation ladder (the steps, their order, the waits), which every entry of
 * the department uses. Each entry gets a new version with an audit row, and a re-plan job for its
 * running licences, which read the new ladder at their next step.
 *
 * @returns the re-plan jobs started, by entry id.
 */
export async function updateDepartmentLadder(
  deps: CatalogueDependencies,
  departmentId: string,
  ladder: LadderStep[],
  changedBy: string,
): Promise<Record<string, string>> {
  const { prisma } = deps;
  const department = await prisma.department.findUnique({ where: { id: departmentId }, include: { catalogue: { where: { retiredAt: null } } } });
  if (!department) throw Refusal.notFound(`Department ${departmentId}`, 'params.id');
  const problems = ladderProblems(ladder);
  if (problems.length > 0) throw Refusal.invalid(problems.map((message) => ({ path: 'ladder', message })));
  const jobs: Record<string, string> = {};
  const started: Array<{ jobId: string; entry: CatalogueEntry }> = [];
  await prisma.$transaction(async (tx) => {
    await tx.department.update({ where: { id: departmentId }, data: { ladder: ladder as unknown as Prisma.InputJsonArray } });
    for (const entry of department.catalogue) {
      const updated = await tx.catalogueEntry.update({ where: { id: entry.id }, data: { version: { increment: 1 } } });
      await tx.catalogueChange.create({
        data: {
          catalogueEntryId: entry.id,
          version: updated.version,
          changedBy,
          action: 'department ladder',
          before: { ladder: (department.ladder ?? DEFAULT_LADDER) as unknown as Prisma.InputJsonArray },
          after: { ladder: ladder as unknown as Prisma.InputJsonArray },
        },
      });
      const job = await openReplanJob(tx, entry.id, `department ladder changed (v${updated.version})`, { evenWithoutLicences: false });
      if (!job) continue;
      jobs[entry.id] = job.id;
      started.push({ jobId: job.id, entry: updated });
    }
  });
  for (const { jobId, entry } of started) await startReplanJob(deps, jobId, entry);
  return jobs;
}
