import type { Client } from '@temporalio/client';
import { CALL_OUTCOMES, GUIDANCE_OUTCOMES, HOLDER_REQUEST_KINDS, LETTER_OUTCOMES, missingGuidance, REFUSAL_OUTCOMES, RENEWAL_CHECK_OUTCOMES, SMS_REPLY_OUTCOMES, SMS_REPLY_TASK } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { Refusal } from './refusal';
import { assertDepartment } from './access/scope';
import type { Principal } from './access/principal';
import { ASSISTANCE_OUTCOMES } from './assistance';
import { updateLicenceWorkflow } from './licence-updates';
import { taskCompletedSignal } from '../workflows/licence-definitions';

export interface TaskWorkDependencies {
  prisma: PrismaClient;
  temporal: Client;
}

/** The outcomes each kind of task can end with. */
export const OUTCOMES_BY_KIND: Record<string, readonly string[]> = {
  phone_call: CALL_OUTCOMES,
  send_letter: LETTER_OUTCOMES,
  complete_guidance: GUIDANCE_OUTCOMES,
  resolve_refusal: REFUSAL_OUTCOMES,
  confirm_renewal: RENEWAL_CHECK_OUTCOMES,
  ...ASSISTANCE_OUTCOMES,
  [SMS_REPLY_TASK]: SMS_REPLY_OUTCOMES,
};


const taskInclude = { licence: { include: { catalogueEntry: true } }, department: true } as const;

/** A task with its licence and department, once the principal is allowed to see it (403 otherwise). */
export async function taskFor(prisma: PrismaClient, principal: Principal, id: string) {
  const task = await prisma.humanTask.findUnique({ where: { id }, include: taskInclude });
  if (!task) throw Refusal.notFound(`Task ${id}`, 'params.id');
  assertDepartment(principal, task.department);
  return task;
}

/**
 * A specialist takes an open task of their department (taking one's own again is fine).
 * @throws Refusal (conflict) naming who holds it when it is not open.
 */
export async function claimTask(prisma: PrismaClient, principal: Principal, id: string): Promise<void> {
  const task = await taskFor(prisma, principal, id);
  const claimed = await prisma.humanTask.updateMany({
    where: { id, OR: [{ status: 'open' }, { status: 'claimed', claimedBy: principal.name }] },
    data: { status: 'claimed', claimedBy: principal.name, claimedAt: new Date() },
  });
  if (claimed.count === 0) {
    const now = await prisma.humanTask.findUniqueOrThrow({ where: { id } });
    throw new Refusal('conflict', 'task_not_claimable', `The task is ${now.status}${now.claimedBy ? ` by ${now.claimedBy}` : ''}.`);
  }
  // One call reaches the holder about all of the day's licences: whoever makes it takes them all.
  await prisma.humanTask.updateMany({ where: { ...bundleOf(task), status: 'open' }, data: { status: 'claimed', claimedBy: principal.name, claimedAt: new Date() } });
}

/**
 * The rest of a task's bundle in its department (the same holder's calls or letters opened the
 * same day), as a filter; a filter matching nothing when the task has no bundle.
 */
function bundleOf(task: { id: string; bundleKey: string | null; departmentId: string }) {
  return task.bundleKey ? { bundleKey: task.bundleKey, departmentId: task.departmentId, id: { not: task.id } } : { id: { in: [] as string[] } };
}

/**
 * The specialist holding a task gives it back to the department's queue.
 * @throws Refusal (conflict) when the caller does not hold it.
 */
export async function releaseTask(prisma: PrismaClient, principal: Principal, id: string): Promise<void> {
  const task = await taskFor(prisma, principal, id);
  const released = await prisma.humanTask.updateMany({
    where: { id, status: 'claimed', claimedBy: principal.name },
    data: { status: 'open', claimedBy: null, claimedAt: null },
  });
  if (released.count === 0) throw new Refusal('conflict', 'task_not_held', 'Only the specialist who claimed the task can release it.');
  await prisma.humanTask.updateMany({ where: { ...bundleOf(task), status: 'claimed', claimedBy: principal.name }, data: { status: 'open', claimedBy: null, claimedAt: null } });
}

/**
 * A supervisor gives an open or claimed task to a specialist of the task's department.
 * @throws Refusal (invalid) naming `username` when that person is not such a specialist; (conflict) when the task is closed.
 */
export async function assignTask(prisma: PrismaClient, principal: Principal, id: string, username: string): Promise<void> {
  const task = await taskFor(prisma, principal, id);
  const specialist = await prisma.user.findUnique({ where: { username } });
  if (!specialist || specialist.role !== 'specialist' || specialist.departmentId !== task.departmentId || specialist.disabledAt) {
    throw Refusal.invalid([{ path: 'username', message: `must be an active specialist of ${task.department.name}` }]);
  }
  const assigned = await prisma.humanTask.updateMany({
    where: { id, status: { in: ['open', 'claimed'] } },
    data: { status: 'claimed', claimedBy: specialist.username, claimedAt: new Date() },
  });
  if (assigned.count === 0) throw new Refusal('conflict', 'task_closed', `The task is already ${task.status}.`);
  await prisma.humanTask.updateMany({
    where: { ...bundleOf(task), status: { in: ['open', 'claimed'] } },
    data: { status: 'claimed', claimedBy: specialist.username, claimedAt: new Date() },
  });
}

/**
 * Records a task's outcome. The workflow is told first, so that its ladder moves on at once; if
 * Temporal is unreachable nothing changes here either.
 * @throws Refusal (invalid) naming `outcome` when it does not fit the task, (conflict) when the task is closed
 * or held by someone else, or its catalogue entry still lacks guidance.
 */
export async function completeTask(
  deps: TaskWorkDependencies,
  principal: Principal,
  id: string,
  completion: { outcome: string; note?: string },
): Promise<void> {
  const task = await taskFor(deps.prisma, principal, id);
  if (task.status === 'completed' || task.status === 'cancelled') {
    throw new Refusal('conflict', 'task_closed', `The task is already ${task.status}.`);
  }
  if (task.status === 'claimed' && task.claimedBy !== principal.name) {
    throw new Refusal('conflict', 'task_claimed_by_other', `The task is claimed by ${task.claimedBy}.`);
  }
  const allowed = OUTCOMES_BY_KIND[task.kind] ?? [];
  if (!allowed.includes(completion.outcome)) {
    throw Refusal.invalid([{ path: 'outcome', message: `a ${task.kind} task ends with one of: ${allowed.join(', ')}` }]);
  }
  if (task.kind === 'complete_guidance') {
    const missing = missingGuidance(task.licence.catalogueEntry);
    if (missing.length > 0) {
      throw new Refusal('conflict',
        'guidance_incomplete',
        `Catalogue entry ${task.licence.catalogueEntry.id} still lacks ${missing.join(', ')}: set them with PATCH /api/v1/catalogue/${task.licence.catalogueEntry.id} first.`,
      );
    }
  }
  // The ledger's 提醒人 is the person's name; claims match on the login name.
  const completedBy = 'displayName' in principal ? principal.displayName : principal.name;
  // The holder's other calls or letters of the day were answered by the same call, sent in the same envelope.
  const mates = await deps.prisma.humanTask.findMany({
    where: { ...bundleOf(task), OR: [{ status: 'open' }, { status: 'claimed', claimedBy: principal.name }] },
  });
  for (const done of [task, ...mates]) {
    // Tasks a holder asked for: the department answers them; the licence's workflow does not wait on them.
    if (!HOLDER_REQUEST_KINDS.includes(done.kind)) {
      await updateLicenceWorkflow(deps.temporal, done.workflowId, (handle) =>
        handle.signal(taskCompletedSignal, { taskId: done.id, outcome: completion.outcome, note: completion.note, completedBy }),
      );
    }
    await deps.prisma.humanTask.updateMany({
      where: { id: done.id, status: { in: ['open', 'claimed'] } },
      data: { status: 'completed', outcome: completion.outcome, note: completion.note ?? done.note, completedBy, completedAt: new Date() },
    });
  }
}

/** One of the other tasks in a task's bundle, as the task's view lists it. */
export interface BundledTask {
  id: string;
  licenceNumber: string;
  licenceName: string;
  status: string;
}

/** For each task with a bundle, the bundle's other tasks (one query whatever the number of tasks). */
export async function bundlesOf(prisma: PrismaClient, tasks: ReadonlyArray<{ id: string; bundleKey: string | null; departmentId: string }>): Promise<Map<string, BundledTask[]>> {
  const keys = [...new Set(tasks.flatMap((task) => (task.bundleKey ? [task.bundleKey] : [])))];
  const bundles = new Map<string, BundledTask[]>();
  if (keys.length === 0) return bundles;
  const rows = await prisma.humanTask.findMany({
    where: { bundleKey: { in: keys } },
    select: { id: true, bundleKey: true, departmentId: true, status: true, licence: { select: { licenceNumber: true, catalogueEntry: { select: { licenceName: true } } } } },
    orderBy: { createdAt: 'asc' },
  });
  for (const task of tasks) {
    if (!task.bundleKey) continue;
    const others = rows.filter((row) => row.bundleKey === task.bundleKey && row.departmentId === task.departmentId && row.id !== task.id);
    if (others.length > 0) {
      bundles.set(
        task.id,
        others.map((row) => ({ id: row.id, licenceNumber: row.licence.licenceNumber, licenceName: row.licence.catalogueEntry.licenceName, status: row.status })),
      );
    }
  }
  return bundles;
}
