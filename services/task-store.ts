import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';

/** A client or a transaction that can write tasks. */
export type TaskWriter = Pick<PrismaClient, 'licence' | 'humanTask'>;

/** Opens a task of any kind in the licence's department, once per key; @returns its id. */
export async function openTaskOnce(
  db: TaskWriter,
  input: { licenceId: string; idempotencyKey: string; kind: string; attempt?: number; dueAt: string; letterId?: string | null; note?: string; bundleKey?: string | null },
): Promise<string> {
  const licence = await db.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { catalogueEntry: true } });
  const task = await db.humanTask.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: {
      id: randomUUID(),
      idempotencyKey: input.idempotencyKey,
      licenceId: licence.id,
      departmentId: licence.catalogueEntry.departmentId,
      workflowId: licence.workflowId,
      kind: input.kind,
      attempt: input.attempt ?? 1,
      dueAt: new Date(input.dueAt),
      letterId: input.letterId ?? null,
      note: input.note ?? null,
      bundleKey: input.bundleKey ?? null,
    },
    update: {},
  });
  return task.id;
}
