import { TestWorkflowEnvironment } from '@temporalio/testing';
import { tsToMs } from '@temporalio/common/lib/time';
import { Worker } from '@temporalio/worker';
import { createLicenceActivities } from '../../activities';
import { registerSearchAttributes } from '../../runtime/search-attributes';
import { licenceWorkflow } from '../../workflows';
import { licenceStatusQuery } from '../../workflows/licence-definitions';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertWorkflowLicence } from '../support/licence-rows';
import { TEST_SERVER_WRAPPER, WORKFLOWS_PATH } from '../support/paths';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const TASK_QUEUE = 'licence-workflow-test';
const DAY = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  [env, database] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER_WRAPPER } } }),
    createTestDatabase('pglite'),
  ]);
  await registerSearchAttributes(env.connection, 'default');
});

afterAll(async () => {
  await env?.teardown();
  await database?.destroy();
});

const licenceRow = (licenceNumber: string, expiresOn: string) => insertWorkflowLicence(database.prisma, licenceNumber, expiresOn);

async function withWorker<T>(run: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: createLicenceActivities({ prisma: database.prisma }),
  });
  return worker.runUntil(run);
}

async function eventsOf(licenceId: string) {
  const events = await database.prisma.licenceEvent.findMany({ where: { licenceId }, orderBy: { occurredAt: 'asc' } });
  return events.map((event) => ({ kind: event.kind, at: event.occurredAt.toISOString() }));
}

it('sleeps until 00:00 Shanghai three months before expiry, opens the window at that instant, then records the expiry', async () => {
  const input = await licenceRow('WF-0001', '2027-05-31');
  const opensAt = Date.parse('2027-02-27T16:00:00.000Z');
  const lapsesAt = Date.parse('2027-05-31T16:00:00.000Z');

  await withWorker(async () => {
    const handle = await env.client.workflow.start(licenceWorkflow, {
      workflowId: input.licenceNumber,
      taskQueue: TASK_QUEUE,
      args: [input],
    });

    // One day before the window the workflow is still asleep and says what it waits for.
    await env.sleep(opensAt - DAY - (await env.currentTimeMs()));
    const asleep = await handle.query(licenceStatusQuery);
    expect(asleep.stage).toBe('awaiting_window');
    expect(asleep.nextAction).toEqual({ kind: 'open_reminder_window', dueAt: '2027-02-27T16:00:00.000Z' });
    expect(await eventsOf(input.licenceId)).toEqual([]);

    await env.sleep(2 * DAY);
    const open = await handle.query(licenceStatusQuery);
    expect(open.stage).toBe('window_open');
    expect(open.steps.find((step) => step.kind === 'reminder_window_opened')?.at).toBe('2027-02-27T16:00:00.000Z');
    expect(open.nextAction).toEqual({ kind: 'record_expiry', dueAt: '2027-05-31T16:00:00.000Z' });

    const result = await handle.result();
    expect(result.stage).toBe('expired');
    // Timers are durations from when the server took the command, so they fire a few
    // milliseconds after the instant; never before it.
    const { events } = await handle.fetchHistory();
    const fired = (events ?? []).filter((event) => event.timerFiredEventAttributes).map((event) => tsToMs(event.eventTime));
    expect(fired).toHaveLength(2);
    expect(fired[0]! - opensAt).toBeGreaterThanOrEqual(0);
    expect(fired[0]! - opensAt).toBeLessThan(1_000);
    expect(fired[1]! - lapsesAt).toBeGreaterThanOrEqual(0);
    expect(fired[1]! - lapsesAt).toBeLessThan(1_000);
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(lapsesAt);
  });

  expect(await eventsOf(input.licenceId)).toEqual([
    { kind: 'reminder_window_opened', at: '2027-02-27T16:00:00.000Z' },
    { kind: 'expired', at: '2027-05-31T16:00:00.000Z' },
  ]);
  const row = await database.prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId } });
  expect(row.stage).toBe('expired');
});

it('opens the window at once for a licence registered inside it', async () => {
  const now = await env.currentTimeMs();
  // Expires in 40 days: the window (3 months before) is already open.
  const expiresOn = new Date(now + 40 * DAY).toISOString().slice(0, 10);
  const input = await licenceRow('WF-0002', expiresOn);

  await withWorker(async () => {
    const handle = await env.client.workflow.start(licenceWorkflow, {
      workflowId: input.licenceNumber,
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    await env.sleep(60_000);
    const status = await handle.query(licenceStatusQuery);
    expect(status.stage).toBe('window_open');
    const opened = Date.parse(status.steps.find((step) => step.kind === 'reminder_window_opened')!.at);
    expect(opened - now).toBeLessThan(60_000);
    await handle.terminate('test finished');
  });
  expect((await eventsOf(input.licenceId)).map((event) => event.kind)).toEqual(['reminder_window_opened']);
});
