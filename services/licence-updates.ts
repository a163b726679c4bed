import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import { contactChangedSignal } from '../workflows/licence-definitions';
import { Refusal } from './refusal';

/**
 * Runs a workflow update and turns the workflow's refusals into 409s: an update its validator
 * rejected (no application pending, licence already closed …), or a workflow that has finished.
 */
export async function updateLicenceWorkflow<T>(temporal: Client, workflowId: string, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T> {
  try {
    return await run(temporal.workflow.getHandle(workflowId));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      throw new Refusal('conflict', 'conflict_with_licence_state', reason);
    }
    if (error instanceof WorkflowNotFoundError || isClosedWorkflowError(error)) {
      throw new Refusal('conflict', 'licence_closed', 'The licence has finished its lifecycle; nothing more can change it.');
    }
    throw error;
  }
}

function isClosedWorkflowError(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed|not found/i.test(error.message);
}

/**
 * A holder's corrected contact, used by every later reminder: the workflow hears of it first, so
 * that a closed licence is refused (409) before anything is written; a flag on the old number is cleared.
 */
export async function correctContact(
  deps: { prisma: PrismaClient; temporal: Client },
  licence: { id: string; workflowId: string },
  contact: { name: string; phone: string; address?: string },
): Promise<void> {
  await updateLicenceWorkflow(deps.temporal, licence.workflowId, (handle) => handle.signal(contactChangedSignal));
  await deps.prisma.licence.update({
    where: { id: licence.id },
    data: { contactName: contact.name, contactPhone: contact.phone, contactAddress: contact.address ?? null, contactFlaggedAt: null },
  });
}
