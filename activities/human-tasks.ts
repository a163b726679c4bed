import type { PrismaClient } from '../generated/prisma/client';
import { HOLDER_REQUEST_KINDS, localDateOf, missingGuidance, taskBundleKey, type ReminderChannel } from '../domain';
import { writeLedgerEntry } from './ledger';
import { activityNow } from './clock';
import { openTaskOnce } from '../services/task-store';
import { taskTimes } from './working-calendar';

export interface OpenHumanTaskInput {
  licenceId: string;
  idempotencyKey: string;
  kind: 'phone_call' | 'send_letter' | 'complete_guidance' | 'confirm_renewal';
  attempt: number;
  /** ISO-8601 instant. */
  dueAt: string;
  letterId?: string;
  /** What the specialist should know, e.g. the words of the holder's reply. */
  note?: string;
}

/**
 * Puts a task in the department's queue, once per key.
 * @returns the task's id (the existing one on a retry).
 */
export async function openHumanTask(prisma: PrismaClient, input: OpenHumanTaskInput): Promise<string> {
  return openTaskOnce(prisma, { ...input, letterId: input.letterId ?? null, bundleKey: await bundleKeyOf(prisma, input) });
}

export interface OpenHumanTaskDueInInput extends Omit<OpenHumanTaskInput, 'dueAt'> {
  /** ISO-8601 instant the task's working days count from. */
  from: string;
  /** The task is due at the end of this many working days after `from` on the bureau's calendar. */
  dueWorkingDays: number;
  /**
   * ISO-8601 instant the task would go to a specialist, for a task that reaches the holder (a call):
   * opened only inside the bureau's send window on a working day, else the answer says when it may be.
   */
  inSendWindowAt?: string;
}

/** A task opened with its deadline, or the instant it may be opened, when its send window is shut. */
export type OpenedTask = { taskId: string; dueAt: string } | { sendAt: string };

/**
 * Puts a task in the department's queue, once per key, due the given working days later: one step
 * where asking for the deadline and opening the task took two. A call's task waits for the send window.
 */
export async function openHumanTaskDueIn(prisma: PrismaClient, input: OpenHumanTaskDueInInput): Promise<OpenedTask> {
  const { from, dueWorkingDays, inSendWindowAt, ...task } = input;
  const { dueAt, sendAt } = await taskTimes(prisma, { licenceId: input.licenceId, from, days: dueWorkingDays, ...(inSendWindowAt ? { sendingAt: inSendWindowAt } : {}) });
  if (sendAt !== undefined && inSendWindowAt !== undefined && Date.parse(sendAt) > Date.parse(inSendWindowAt)) return { sendAt };
  return { taskId: await openHumanTask(prisma, { ...task, dueAt }), dueAt };
}

/** Calls and letters are made to a holder, not to a licence: those opened for one holder on one day share a bundle. */
const BUNDLED_KINDS: ReadonlySet<string> = new Set(['phone_call', 'send_letter']);

async function bundleKeyOf(prisma: PrismaClient, input: OpenHumanTaskInput): Promise<string | null> {
  if (!BUNDLED_KINDS.has(input.kind)) return null;
  const licence = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { bureau: true } });
  return taskBundleKey(input.kind, licence, localDateOf(activityNow(), licence.bureau.timeZone));
}


/** Withdraws a licence's open ladder tasks (a renewal arrived, the licence was revoked …). */
export async function cancelOpenTasks(prisma: PrismaClient, input: { licenceId: string; reason: string }): Promise<number> {
  const { count } = await prisma.humanTask.updateMany({
    // A holder's own request stays for a specialist to close, whatever became of the ladder.
    where: { licenceId: input.licenceId, status: { in: ['open', 'claimed'] }, kind: { notIn: [...HOLDER_REQUEST_KINDS] } },
    data: { status: 'cancelled', note: input.reason },
  });
  return count;
}

export interface RecordTaskOutcomeInput {
  licenceId: string;
  taskId: string;
  idempotencyKey: string;
  channel: Extract<ReminderChannel, 'phone_call' | 'letter'>;
  outcome: string;
  completedBy: string;
  note?: string;
}

/**
 * Records a completed task: the task row, the ledger row, and a wrong number flagged on the
 * licence so that no further SMS goes to it.
 */
export async function recordTaskOutcome(prisma: PrismaClient, input: RecordTaskOutcomeInput): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const now = activityNow();
    await tx.humanTask.updateMany({
      where: { id: input.taskId, status: { not: 'completed' } },
      data: { status: 'completed', outcome: input.outcome, completedBy: input.completedBy, completedAt: now, note: input.note ?? null },
    });
    const written = await writeLedgerEntry(tx, {
      licenceId: input.licenceId,
      idempotencyKey: input.idempotencyKey,
      channel: input.channel,
      outcome: input.outcome,
      remindedBy: input.completedBy,
      remindedAt: now,
    });
    if (written && input.outcome === 'wrong_number') {
      await tx.licence.update({ where: { id: input.licenceId }, data: { contactFlaggedAt: now } });
    }
  });
}

/**
 * The guidance fields the licence's catalogue entry still lacks, for the letter step: while any
 * is missing the letter is not written, so that no holder gets a placeholder.
 */
export async function missingLetterGuidance(prisma: PrismaClient, input: { licenceId: string }): Promise<string[]> {
  const licence = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { catalogueEntry: true } });
  return missingGuidance(licence.catalogueEntry);
}

export interface EscalateOverdueTaskInput {
  licenceId: string;
  taskId: string;
  /** Workflow id + task: the alert is written once whatever the retries. */
  idempotencyKey: string;
}

/**
 * A task passed its due time still open: it is marked escalated and the bureau's supervisors get an
 * alert (督查), once per task. A task completed or withdrawn in the meantime is left alone.
 *
 * @returns `true` when the task was still open and is now escalated.
 */
export async function escalateOverdueTask(prisma: PrismaClient, input: EscalateOverdueTaskInput): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const task = await tx.humanTask.findUnique({ where: { id: input.taskId }, include: { department: true, licence: true } });
    if (!task || !['open', 'claimed'].includes(task.status)) return false;
    if (!task.escalatedAt) await tx.humanTask.update({ where: { id: task.id }, data: { escalatedAt: activityNow() } });
    await tx.alert.createMany({
      data: [
        {
          licenceId: input.licenceId,
          idempotencyKey: input.idempotencyKey,
          kind: 'task_overdue',
          createdAt: activityNow(),
          message: `${task.department.name}的${TASK_WORDS[task.kind] ?? task.kind}（${task.licence.licenceNumber}）已逾期未办结${task.claimedBy ? `，领取人 ${task.claimedBy}` : '，尚无人领取'}`,
        },
      ],
      skipDuplicates: true,
    });
    return true;
  });
}

const TASK_WORDS: Record<string, string> = {
  phone_call: '电话提醒任务',
  send_letter: '函告任务',
  complete_guidance: '完善办事指引任务',
  resolve_refusal: '处理被拒绝步骤任务',
  confirm_renewal: '核实延续办理任务',
  assistance: '帮办代办任务',
  appointment: '预约任务',
};
