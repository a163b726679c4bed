import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { FINAL_STAGES, reminderWindowOpensAt } from '../domain';
import { correctExpiryUpdate, revocationUpdate, type NewLicenceDetails } from '../workflows/licence-definitions';
import type { ActivityDependencies } from './dependencies';
import { dateColumn } from '../services/licence-registration';

async function runningDependants(deps: ActivityDependencies, licenceId: string) {
  return deps.prisma.licence.findMany({
    where: { parentLicenceId: licenceId, stage: { notIn: [...FINAL_STAGES] } },
    include: { bureau: true, catalogueEntry: true },
    orderBy: { id: 'asc' },
  });
}

// A dependant that closed meanwhile, or refuses the change in its stage, has nothing to follow.
function closedMeanwhile(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError;
}

/**
 * The parent was renewed: every running dependant now expires with the new parent licence, and
 * follows it from now on. Idempotent: a retry sets the same date and the same parent again.
 *
 * @returns how many dependants moved.
 */
export async function moveDependants(deps: ActivityDependencies, input: { licenceId: string; newLicence: NewLicenceDetails }): Promise<number> {
  const { prisma, temporal } = deps;
  const parent = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId } });
  const successor = await prisma.licence.findUnique({
    where: { bureauCode_licenceNumber: { bureauCode: parent.bureauCode, licenceNumber: input.newLicence.licenceNumber } },
  });
  let moved = 0;
  for (const dependant of await runningDependants(deps, input.licenceId)) {
    try {
      await temporal.workflow.getHandle(dependant.workflowId).executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: input.newLicence.expiresOn }] });
    } catch (error) {
      if (closedMeanwhile(error)) continue;
      throw error;
    }
    await prisma.licence.update({
      where: { id: dependant.id },
      data: {
        expiresOn: dateColumn(input.newLicence.expiresOn),
        reminderWindowOpensAt: reminderWindowOpensAt(
          input.newLicence.expiresOn,
          dependant.catalogueEntry.reminderLeadMonths,
          dependant.bureau.timeZone,
        ).toJSDate(),
        parentLicenceId: successor?.id ?? parent.id,
      },
    });
    moved += 1;
  }
  return moved;
}

/**
 * The parent was revoked: every running dependant ends too, with the parent's reason.
 * Idempotent: a dependant already revoked is skipped.
 *
 * @returns how many dependants ended.
 */
export async function endDependants(deps: ActivityDependencies, input: { licenceId: string; reason: string; revokedOn: string }): Promise<number> {
  const { prisma, temporal } = deps;
  const parent = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId } });
  let ended = 0;
  for (const dependant of await runningDependants(deps, input.licenceId)) {
    try {
      await temporal.workflow.getHandle(dependant.workflowId).executeUpdate(revocationUpdate, {
        args: [{ reason: `上级证照${parent.licenceNumber}已注销或吊销：${input.reason}`, revokedOn: input.revokedOn }],
      });
      ended += 1;
    } catch (error) {
      if (!closedMeanwhile(error)) throw error;
    }
  }
  return ended;
}
