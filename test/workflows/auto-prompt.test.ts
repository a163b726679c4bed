import { eventually, LifecycleHarness } from '../support/lifecycle';
import { downAtFirst } from '../support/outages';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The portal is down for the first two deliveries of a prompt: it answers 503.
const portal = downAtFirst('/portal/prompts', 2);

let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start({ intercept: portal.intercept });
  await h.beginTest();
});
afterAll(async () => {
  await h?.teardown();
});

it('signs the prompt, retries it while the portal is down, and records the receipt once', async () => {
  const licence = await h.register('PROMPT-1', '2027-05-31');
  await h.skipTo('2027-02-27T16:01:00.000Z');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']), 30_000);
  expect(portal.requests()).toBe(3);
  expect(h.simulators.prompts).toHaveLength(1);
  const delivery = await h.database.prisma.promptDelivery.findFirstOrThrow({ where: { licenceId: licence.id } });
  expect(delivery).toMatchObject({ attempts: 3, receipt: h.simulators.prompts[0]!.receiptId, lastError: null });
  expect(delivery.deliveredAt).not.toBeNull();
  expect(h.simulators.prompts[0]!.body).toMatchObject({ licenceNumber: 'PROMPT-1', expiresOn: '2027-05-31' });
});

it('the portal refuses a prompt whose signature does not match', async () => {
  const body = JSON.stringify({ licenceNumber: 'FORGED-1' });
  const forged = await fetch(`${h.simulatorsUrl}/portal/prompts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': '1800000000', 'x-signature': `sha256=${'0'.repeat(64)}`, 'idempotency-key': 'forged' },
    body,
  });
  expect(forged.status).toBe(401);
  expect(h.simulators.prompts.some((prompt) => prompt.idempotencyKey === 'forged')).toBe(false);
});
