import type { RegulatorNotice } from '../licence-definitions';
import { callOutward } from './outward-calls';
import { untilAccepted } from './refusals';
import type { LicenceLife } from './state';

/**
 * 审管协同: tells every regulator of the licence's type, once each by key. A type with no regulator
 * is a refusal (a task asks for them), never a push to nobody.
 */
export async function tellRegulators(life: LicenceLife, notice: RegulatorNotice, applicationNumber: string, keyFor: (regulatorId: string) => string): Promise<void> {
  const regulators = await untilAccepted(life, 'telling the regulators', `regulators/${notice.decision}`, () => life.engine.listRegulators({ licenceId: life.licenceId }));
  await Promise.all(
    regulators.map(async (regulator) => {
      await callOutward(life, 'pushDecisionToRegulator', { licenceId: life.licenceId, regulatorId: regulator.id, idempotencyKey: keyFor(regulator.id), decision: notice, applicationNumber });
      life.note('decision_pushed', regulator.name);
    }),
  );
}
