import { NativeConnection, Worker } from '@temporalio/worker';
import { createLicenceActivities, type LicenceActivities } from '../../activities';
import { createSmsWorker } from '../../worker/worker';
import { dataConverter, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The provider's QPS belongs to the account, not to a worker process: a deployment's worker
// processes together must not send faster. Each worker here has its own activities, so its own
// pacing, as a process of its own would; the dev server's matching service is the real one.
const QPS = 2;
const TEXTS = 12;

let h: LifecycleHarness;

beforeAll(async () => {
  h = await LifecycleHarness.start({ sms: { provider: 'aliyun', qps: QPS, receiptTimeoutHours: 24 } });
  await h.beginTest({ server: 'dev', worker: false });
});
afterAll(async () => {
  await h?.endTest();
  await h?.teardown();
});

it("two worker processes together send at most the account's QPS from the SMS queue, which holds the backlog", async () => {
  const inputs: Array<Parameters<LicenceActivities['sendReminderSms']>[0]> = [];
  for (let index = 0; index < TEXTS; index += 1) {
    // Another holder and number each: no text lists another licence.
    const licence = await h.register(`鲁威药经20239${String(index).padStart(2, '0')}`, '2027-05-31', {
      holder: { name: `威海药店${index}` },
      contact: { name: '张敏', phone: `135001360${String(index).padStart(2, '0')}` },
    });
    inputs.push({ licenceId: licence.id, idempotencyKey: `sms-rate/${index}` });
  }
  const connections = await Promise.all([0, 1].map(() => NativeConnection.connect({ address: h.env.address })));
  const processes = await Promise.all(connections.map((connection) => createSmsWorker({ connection, dataConverter, taskQueue: h.taskQueue, activities: createLicenceActivities(h.dependencies()), qps: QPS })));
  const burst = await Worker.create({ connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, workflowsPath: require.resolve('../support/sms-burst-workflow') });
  const running = [...processes, burst].map((worker) => worker.run());
  try {
    const outcomes = await h.env.client.workflow.execute('smsBurstWorkflow', { taskQueue: h.taskQueue, workflowId: `sms-rate-${h.taskQueue}`, args: [inputs] });
    expect(outcomes).toEqual(Array(TEXTS).fill('sent'));
  } finally {
    for (const worker of [...processes, burst]) worker.shutdown();
    await Promise.all(running);
    await Promise.all(connections.map((connection) => connection.close()));
  }
  // When the provider took each text, by its own clock.
  const sent = h.simulators.sms.filter((text) => text.phone.startsWith('135001360')).map((text) => Date.parse(text.at)).sort((a, b) => a - b);
  expect(sent).toHaveLength(TEXTS);
  // Each process alone would send its half in (TEXTS / 2 - 1) / QPS = 2.5 s; together, at the
  // account's QPS, the texts after the first second's take (TEXTS - QPS) / QPS = 5 s.
  const spanSeconds = (sent.at(-1)! - sent[0]!) / 1000;
  expect(spanSeconds).toBeGreaterThanOrEqual((TEXTS - QPS) / QPS - 0.5);
});
