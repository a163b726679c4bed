import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { DEFAULT_LADDER, localDateOf, type LadderStep } from '../../domain';
import { DAY, eventually, LifecycleHarness } from '../support/lifecycle';
import { engineReady } from '../support/engine-process';
import { PROJECT_ROOT } from '../support/paths';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The SMS provider takes the first send of the step, but its answer never reaches the worker:
// the worker process is killed while it waits. The worst moment for a double send.
let smsRequests = 0;
let firstSmsArrived: () => void;
const firstSmsHeld = new Promise<void>((resolve) => (firstSmsArrived = resolve));
const holdFirstSmsAnswer: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && req.path === '/sms/aliyun') {
    smsRequests += 1;
    if (smsRequests === 1) {
      res.json = () => {
        firstSmsArrived();
        return res;
      };
    }
  }
  next();
};

// A department that reminds without waiting between steps, so that the whole ladder runs in
// real time on the real dev server: a killed worker there is handled as in production.
const NO_WAIT_LADDER: LadderStep[] = DEFAULT_LADDER.map((step) => ('waitDays' in step ? { ...step, waitDays: 0 } : step));

let h: LifecycleHarness;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  // Two worker processes share one database: PostgreSQL, as in production.
  // The provider does not drop a repeated send: the retried attempt finds the held text in the
  // provider's records (QuerySendDetails, by OutId) and does not send it again. Those records do
  // not name the text's BizId, so its receipt matches nothing and the step records `unknown` after
  // a short timeout (about 7 s here); the ladder goes on.
  h = await LifecycleHarness.start({ database: 'postgres', intercept: holdFirstSmsAnswer, sms: { receiptTimeoutHours: 0.002 } });
  await h.beginTest({ server: 'dev', worker: false });
  await h.database.prisma.department.update({
    where: { id: 'weihai:市场准入二科' },
    data: { ladder: NO_WAIT_LADDER as unknown as object[] },
  });
  // The crash, not the bureau's hours, is under test: texts and calls may go out at any hour today and tomorrow.
  await h.database.prisma.bureau.update({ where: { code: 'weihai' }, data: { sendWindowOpens: '00:00', sendWindowCloses: '24:00' } });
  for (const offset of [0, DAY]) {
    const date = localDateOf(new Date(Date.now() + offset), 'Asia/Shanghai');
    await h.database.prisma.calendarOverride.create({ data: { bureauCode: 'weihai', date, kind: 'working_day', name: '测试' } });
  }
});

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await h?.teardown();
});

/** Starts `npm start`'s entry point as a worker-only process and waits until it polls. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('bin', 'start.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...h.workerProcessEnv(), LOG_LEVEL: 'warn', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  await engineReady(child);
  return child;
}

it('a worker killed while the SMS is in flight: the next worker finishes the ladder with one SMS and one ledger row per step', async () => {
  const first = await startWorkerProcess();
  // Expires in 80 days: the window is already open, so the ladder starts at once.
  const licence = await h.register('CRASH-1', new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10));

  await firstSmsHeld;
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']);
  expect(h.simulators.sms).toHaveLength(1);

  await startWorkerProcess();
  // The dead worker's attempt times out after 30 s; the retry goes to the new worker.
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']), 90_000);
  await h.openTask(licence.id, 'phone_call');

  // One send, and one question about it.
  expect(h.simulators.smsProvider.arrivals).toHaveLength(1);
  expect(h.simulators.smsProvider.queries).toBeGreaterThanOrEqual(1);
  expect(h.simulators.sms).toHaveLength(1);
  expect(h.simulators.prompts).toHaveLength(1);
  expect(await h.tasks(licence.id)).toEqual(['phone_call#1:open']);
  const rows = await h.database.prisma.ledgerEntry.groupBy({ by: ['channel'], where: { licenceId: licence.id }, _count: true });
  expect(Object.fromEntries(rows.map((row) => [row.channel, row._count]))).toEqual({ auto_prompt: 1, sms: 1 });
}, 180_000);
