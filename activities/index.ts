import type { PrismaClient } from '../generated/prisma/client';
import { recordLicenceStep, type RecordLicenceStepInput } from './licence-steps';

/** What activities need from the process that hosts them. */
export interface ActivityDependencies {
  prisma: PrismaClient;
}

/**
 * Binds the activities to their dependencies. Workflows import only the type of the result.
 */
export function createLicenceActivities({ prisma }: ActivityDependencies) {
  return {
    /** Mirrors a workflow step into the read model, idempotently by key. */
    async recordLicenceStep(input: RecordLicenceStepInput): Promise<boolean> {
      return recordLicenceStep(prisma, input);
    },
  };
}

export type LicenceActivities = ReturnType<typeof createLicenceActivities>;
export type { RecordLicenceStepInput } from './licence-steps';
