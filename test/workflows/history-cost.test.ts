import type { WorkflowHandle } from '@temporalio/client';
import { renewalApplicationUpdate, renewalDecisionUpdate } from '../../workflows/licence-definitions';
import { eventually, LifecycleHarness, TEST_CLOCK_START } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// What one full life costs in Temporal's history: a licence expiring 2027-05-31 (window opens
// 2027-02-28 Shanghai) is prompted, texted, called and reached, then renewed under a new number,
// and its approval pushed to its regulators.
const EXPIRES_ON = '2027-05-31';

/**
 * Only a text goes through the server when every call answers at once: Temporal paces it at the
 * account's QPS across workers. Every other call beyond the engine is tried inside the workflow task.
 */
const THROUGH_THE_SERVER = ['sendReminderSms'];

let h: LifecycleHarness;

beforeAll(async () => {
  h = await LifecycleHarness.start({ startAt: TEST_CLOCK_START });
});
beforeEach(async () => h.beginTest());
afterEach(async () => h.endTest());
afterAll(async () => {
  await h?.teardown();
});

async function eventsOf(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

it('a life reminded by text and call, renewed and pushed sends only its text through the server, and costs at most 60 events (62 while the receipt of a delivered text was written again and a renewal application cancelled the timer of the expiry, 71 before steps were folded, 91 when every call beyond the engine went through the server, 103 before writes waited for the next step)', async () => {
  const licence = await h.register('COST-1', EXPIRES_ON);
  await h.skipTo('2027-03-23T00:00:00.000Z');
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'reached');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']));
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'COST-A', appliedOn: '2027-03-23' }] });
  await licence.handle.executeUpdate(renewalDecisionUpdate, {
    args: [{ decision: 'approved', decidedOn: '2027-03-23', newLicence: { licenceNumber: 'COST-2', issuedOn: '2027-03-23', expiresOn: '2032-03-22' } }],
  });
  expect((await licence.handle.result()).stage).toBe('renewed');

  const events = await eventsOf(licence.handle);
  const throughServer = events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  const local = events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  const patchMarkers = events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch');
  // A run takes every patch before its own without a marker.
  expect({ throughServer, patchMarkers: patchMarkers.length }).toEqual({ throughServer: THROUGH_THE_SERVER, patchMarkers: 1 });
  expect(local.length).toBeGreaterThan(0);
  expect(events.length).toBeLessThanOrEqual(60);
});
