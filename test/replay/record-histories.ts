/**
 * Records the histories that the replay test runs against today's workflow code.
 *
 *   npm run histories:record -- <version>     e.g. v2
 *
 * Run it when a workflow change ships, into a new version folder, and commit the files: the
 * older folders stand for executions that may still be running in a bureau's cluster.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createLicenceActivities } from '../../activities';
import {
  contactChangedSignal,
  correctExpiryUpdate,
  licenceStatusQuery,
  renewalApplicationUpdate,
  renewalDecisionUpdate,
  replanSignal,
  revocationUpdate,
} from '../../workflows/licence-definitions';
import { workerBefore } from '../support/earlier-workflows';
import { dataConverter, DAY, eventually, LifecycleHarness } from '../support/lifecycle';
import { Prisma } from '../../generated/prisma/client';
import { DEFAULT_LADDER } from '../../domain';
import { FOLDED_STEPS_PATCH } from '../../workflows/licence/versions';

/** One path of a licence's life, driven on a fresh test server whose clock starts at TEST_CLOCK_START. */
interface Scenario {
  name: string;
  /** Drives the path; returns the licence's workflow, finished or not. */
  drive(h: LifecycleHarness, licenceNumber: string): Promise<WorkflowHandle>;
}

const days = async (h: LifecycleHarness, count: number) => h.env.sleep(count * DAY);
const dateIn = async (h: LifecycleHarness, count: number) => new Date((await h.now()) + count * DAY).toISOString().slice(0, 10);
const approved = async (h: LifecycleHarness, licenceNumber: string) => ({
  decision: 'approved' as const,
  decidedOn: await dateIn(h, 0),
  newLicence: { licenceNumber, issuedOn: await dateIn(h, 0), expiresOn: await dateIn(h, 5 * 365) },
});
const apply = async (h: LifecycleHarness, handle: WorkflowHandle, applicationNumber: string) =>
  handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber, appliedOn: await dateIn(h, 0) }] });

/**
 * Registers a licence, opens its window and renews it under its own number (延续).
 * @returns the licence and the run id of its first term, which ended by continuing as new.
 */
async function renewedKeepingNumber(h: LifecycleHarness, licenceNumber: string) {
  const licence = await h.register(licenceNumber, await dateIn(h, 200));
  await days(h, 200 - 90 + 1);
  const firstRun = (await licence.handle.describe()).runId;
  await apply(h, licence.handle, `${licenceNumber}-A`);
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, licenceNumber)] });
  await eventually(async () => {
    if ((await licence.handle.describe()).runId === firstRun) throw new Error(`${licenceNumber} is still in its first term`);
  });
  return { licence, firstRun };
}

/** Runs a scenario with WeChat in the SMS's place in the default ladder of weihai's 市场准入二科. */
async function withWechatLadder(h: LifecycleHarness, drive: () => Promise<WorkflowHandle>): Promise<WorkflowHandle> {
  const where = { id: 'weihai:市场准入二科' };
  const { ladder } = await h.database.prisma.department.findUniqueOrThrow({ where });
  await h.database.prisma.department.update({
    where,
    data: { ladder: DEFAULT_LADDER.map((step) => (step.channel === 'sms' ? { ...step, channel: 'wechat' } : step)) as unknown as object[] },
  });
  try {
    return await drive();
  } finally {
    await h.database.prisma.department.update({ where, data: { ladder: ladder ?? Prisma.DbNull } });
  }
}

/** Registers a licence expiring in `expiresInDays` and lets its ladder reach the phone task. */
async function toPhoneTask(h: LifecycleHarness, licenceNumber: string, expiresInDays = 200) {
  const licence = await h.register(licenceNumber, await dateIn(h, expiresInDays));
  // Prompt, SMS a week later, call two weeks after it, each possibly moved to the next send window.
  await days(h, expiresInDays - 90 + 30);
  return { licence, task: await h.openTask(licence.id, 'phone_call') };
}

/** Registers a licence and floods it with contact changes until its run continues as new for its history's length. */
async function continuedForLength(h: LifecycleHarness, licenceNumber: string) {
  const licence = await h.register(licenceNumber, await dateIn(h, 200));
  const firstRun = (await licence.handle.describe()).runId;
  for (let sent = 0; sent < 1_100; sent += 100) await Promise.all(Array.from({ length: 100 }, () => licence.handle.signal(contactChangedSignal)));
  await eventually(async () => {
    if ((await licence.handle.describe()).runId === firstRun) throw new Error(`${licenceNumber} has not continued as new yet`);
  }, 60_000);
  return { licence, firstRun };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'ladder-reached-then-lapsed',
    async drive(h, number) {
      const { licence, task } = await toPhoneTask(h, number);
      await h.complete(task, 'reached');
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'renewed-before-window',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      await days(h, 30);
      await apply(h, licence.handle, `${number}-A`);
      await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, `${number}-NEW`)] });
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'renewed-mid-ladder',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 200));
      await days(h, 200 - 90 + 8);
      await apply(h, licence.handle, `${number}-A`);
      await days(h, 3);
      await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, `${number}-NEW`)] });
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'rejected-then-ladder-resumes',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 200));
      await days(h, 200 - 90 + 8);
      await apply(h, licence.handle, `${number}-A`);
      await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'rejected', decidedOn: await dateIn(h, 0) }] });
      await days(h, 15);
      await h.complete(await h.openTask(licence.id, 'phone_call'), 'refused');
      await days(h, 1);
      return licence.handle;
    },
  },
  {
    name: 'task-overdue-then-reached',
    async drive(h, number) {
      const { licence, task } = await toPhoneTask(h, number);
      // Past the three working days the task is due in: escalated, then done.
      await days(h, 8);
      await h.complete(task, 'reached');
      await days(h, 1);
      return licence.handle;
    },
  },
  {
    name: 'no-answer-then-reached',
    async drive(h, number) {
      const { licence, task } = await toPhoneTask(h, number);
      await h.complete(task, 'no_answer');
      await days(h, 3);
      await h.complete(await h.openTask(licence.id, 'phone_call'), 'reached');
      await days(h, 1);
      return licence.handle;
    },
  },
  {
    name: 'wrong-number-then-letter',
    async drive(h, number) {
      const { licence, task } = await toPhoneTask(h, number);
      await h.complete(task, 'wrong_number');
      const guidanceTask = await h.openTask(licence.id, 'complete_guidance');
      await h.database.prisma.catalogueEntry.update({
        where: { id: 'weihai:WH01' },
        data: { renewalDeadline: '届满前30个工作日', officeAddress: '威海市政务服务中心', servicePhone: '0631-5201234', materials: ['延续申请表'] },
      });
      await h.complete(guidanceTask, 'completed');
      await h.complete(await h.openTask(licence.id, 'send_letter'), 'sent');
      await days(h, 1);
      return licence.handle;
    },
  },
  {
    name: 'revoked-while-asleep',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      await days(h, 30);
      await licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: await dateIn(h, 0) }] });
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'expiry-corrected-while-asleep',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      await days(h, 30);
      await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: await dateIn(h, 300) }] });
      await days(h, 250);
      return licence.handle;
    },
  },
  {
    name: 'expiry-corrected-in-ladder',
    async drive(h, number) {
      const { licence } = await toPhoneTask(h, number);
      await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: await dateIn(h, 400) }] });
      await days(h, 320);
      return licence.handle;
    },
  },
  {
    name: 'expired-then-corrected-inside-window',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 100));
      await days(h, 102);
      await eventually(async () => {
        if ((await h.status(licence)).stage !== 'expired') throw new Error(`${number} has not expired yet`);
      });
      await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: await dateIn(h, 40) }] });
      await days(h, 1);
      return licence.handle;
    },
  },
  {
    name: 'revoked-while-receipt-awaited',
    async drive(h, number) {
      const phone = '13800138999';
      h.simulators.smsProvider.setReceiptPlan(phone, { kind: 'none' });
      try {
        // A short number: the SMS template's parameters are limited to 35 characters.
        const licence = await h.register(number.replace('revoked-while-receipt-awaited', 'RCPT'), await dateIn(h, 200), { contact: { name: '张敏', phone } });
        // The SMS falls due a week into the window and goes out in the next send window: a day at a
        // time from there, so that its receipt is still awaited (for up to a day) when the revocation comes.
        await days(h, 200 - 90 + 6);
        for (let day = 0; !(await h.ledger(licence.id)).includes('sms:sent'); day++) {
          if (day === 10) throw new Error(`no SMS for ${number}: ${await h.ledger(licence.id)}`);
          await days(h, 1);
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        }
        await licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: await dateIn(h, 0) }] });
        await licence.handle.result();
        return licence.handle;
      } finally {
        h.simulators.smsProvider.setReceiptPlan(phone, undefined);
      }
    },
  },
  {
    name: 'regulator-outage-then-delivered',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      const outageEnds = (await h.now()) + 2 * DAY;
      h.simulators.setRegulatorOutage('weihai:market-supervision', { status: 503, failing: async () => (await h.now()) < outageEnds });
      try {
        await apply(h, licence.handle, `${number}-A`);
        await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, `${number}-NEW`)] });
        await licence.handle.result();
      } finally {
        h.simulators.setRegulatorOutage('weihai:market-supervision', undefined);
      }
      return licence.handle;
    },
  },
  {
    name: 'replanned-while-asleep',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      await days(h, 30);
      await licence.handle.signal(replanSignal, { reminderLeadMonths: 1, catalogueVersion: 2 });
      // The window now opens a month before expiry, around day 370: past it, into the ladder.
      await days(h, 345);
      return licence.handle;
    },
  },
  {
    name: 'parent-renewed-moves-dependant',
    async drive(h, number) {
      const parent = await h.register(number, await dateIn(h, 400));
      await h.register(`${number}-TAXI`, await dateIn(h, 400), { parentLicenceNumber: number });
      await days(h, 30);
      await apply(h, parent.handle, `${number}-A`);
      await parent.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, `${number}-NEW`)] });
      await parent.handle.result();
      return parent.handle;
    },
  },
  {
    name: 'parent-revoked-ends-dependant',
    async drive(h, number) {
      const parent = await h.register(number, await dateIn(h, 400));
      await h.register(`${number}-TAXI`, await dateIn(h, 400), { parentLicenceNumber: number });
      await days(h, 30);
      await parent.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: await dateIn(h, 0) }] });
      await parent.handle.result();
      return parent.handle;
    },
  },
  {
    name: 'renewed-keeping-number',
    async drive(h, number) {
      const { licence, firstRun } = await renewedKeepingNumber(h, number);
      return h.env.client.workflow.getHandle(licence.handle.workflowId, firstRun);
    },
  },
  {
    name: 'next-term-window-opened',
    async drive(h, number) {
      const { licence } = await renewedKeepingNumber(h, number);
      await days(h, 5 * 365 - 90 + 2);
      await eventually(async () => {
        if ((await h.ledger(licence.id)).length < 2) throw new Error('the next term has not been reminded yet');
      });
      return licence.handle;
    },
  },
  {
    name: 'renewal-refused-then-fixed',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 400));
      await days(h, 30);
      await apply(h, licence.handle, `${number}-A`);
      // The department retires the licence type meanwhile: the successor cannot be registered.
      const entry = await h.database.prisma.catalogueEntry.findFirstOrThrow({ where: { bureauCode: 'weihai', code: 'WH01' } });
      await h.database.prisma.catalogueEntry.update({ where: { id: entry.id }, data: { retiredAt: new Date() } });
      try {
        await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [await approved(h, `${number}-NEW`)] });
        const task = await h.openTask(licence.id, 'resolve_refusal');
        await h.database.prisma.catalogueEntry.update({ where: { id: entry.id }, data: { retiredAt: null } });
        await h.complete(task, 'fixed');
      } finally {
        await h.database.prisma.catalogueEntry.update({ where: { id: entry.id }, data: { retiredAt: null } });
      }
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'reported-renewal-confirmed',
    async drive(h, number) {
      const { licence, task } = await toPhoneTask(h, number);
      await h.complete(task, 'already_renewed');
      await h.complete(await h.openTask(licence.id, 'confirm_renewal'), 'renewal_found');
      await days(h, 90);
      await licence.handle.result();
      return licence.handle;
    },
  },
  {
    name: 'history-continued',
    async drive(h, number) {
      const { licence, firstRun } = await continuedForLength(h, number);
      return h.env.client.workflow.getHandle(licence.handle.workflowId, firstRun);
    },
  },
  {
    name: 'history-continued-then-reminded',
    async drive(h, number) {
      const { licence } = await continuedForLength(h, number);
      await days(h, 200 - 90 + 30);
      await h.complete(await h.openTask(licence.id, 'phone_call'), 'reached');
      await eventually(async () => {
        if (!(await h.ledger(licence.id)).includes('phone_call:reached')) throw new Error('the call is not recorded yet');
      });
      return licence.handle;
    },
  },
  {
    name: 'window-moved-out-while-applied',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 200));
      await days(h, 200 - 90 + 2);
      await apply(h, licence.handle, `${number}-A`);
      // Thirty days later: the window moves out by a month, and reopens while the application is pending.
      await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: await dateIn(h, 90 - 2 + 30) }] });
      await days(h, 40);
      await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'withdrawn', decidedOn: await dateIn(h, 0) }] });
      await eventually(async () => {
        if ((await h.ledger(licence.id)).filter((row) => row.startsWith('auto_prompt:')).length < 2) throw new Error('the ladder has not started afresh yet');
      });
      return licence.handle;
    },
  },
  {
    name: 'replied-renewed',
    async drive(h, number) {
      // A number of its own: the provider limits texts per number, and other scenarios text the default one.
      const licence = await h.register(number, await dateIn(h, 200), { contact: { name: '张敏', phone: '13900139011' } });
      // The prompt, then the SMS a week later; the holder answers it the day after.
      await days(h, 200 - 90 + 9);
      await eventually(async () => {
        if (!(await h.ledger(licence.id)).includes('sms:sent')) throw new Error('no SMS yet');
      });
      await h.simulators.smsProvider.postReply('13900139011', '已办理');
      await h.complete(await h.openTask(licence.id, 'confirm_renewal'), 'renewal_found');
      await eventually(async () => {
        if ((await h.status(licence)).nextAction?.kind !== 'record_expiry') throw new Error('the ladder has not stopped yet');
      });
      return licence.handle;
    },
  },
  {
    name: 'replied-wrong-number',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, 200), { contact: { name: '张敏', phone: '13900139012' } });
      await days(h, 200 - 90 + 9);
      await eventually(async () => {
        if (!(await h.ledger(licence.id)).includes('sms:sent')) throw new Error('no SMS yet');
      });
      await h.simulators.smsProvider.postReply('13900139012', '号码错误');
      // The call it brings forward waits for the next send window, on a working day.
      await days(h, 3);
      await h.openTask(licence.id, 'phone_call');
      return licence.handle;
    },
  },
  {
    name: 'sms-deferred',
    async drive(h, number) {
      const phone = '13900139013';
      // Renewed in another office, the two licences cannot share a text; the provider takes one a day for the number.
      await h.database.prisma.catalogueEntry.update({ where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH04' } }, data: { officeAddress: '威海市交通运输服务中心' } });
      h.simulators.smsProvider.perNumberDailyLimit = 1;
      try {
        // Both ladders text on Monday 8 March 2027, at 09:00 in Weihai.
        const licences = [
          await h.register(number, '2027-05-31', { contact: { name: '张敏', phone } }),
          await h.register(`${number}-B`, '2027-05-31', { licenceType: 'WH04', contact: { name: '张敏', phone }, issuedOn: '2023-05-31' }),
        ];
        await h.skipTo('2027-03-08T02:00:00.000Z');
        const deferred = await eventually(async () => {
          for (const licence of licences) if ((await h.ledger(licence.id)).includes('sms:deferred')) return licence;
          throw new Error('no text deferred yet');
        });
        await h.skipTo('2027-03-09T02:00:00.000Z');
        await eventually(async () => {
          if ((await h.ledger(deferred.id)).filter((row) => row === 'sms:sent').length === 0) throw new Error('the deferred text has not gone yet');
        });
        return deferred.handle;
      } finally {
        h.simulators.smsProvider.perNumberDailyLimit = undefined;
      }
    },
  },
  {
    name: 'wechat-sent',
    drive: (h, number) =>
      withWechatLadder(h, async () => {
        const licence = await h.register(number, await dateIn(h, 200), { contact: { name: '张敏', phone: '13900139014' } });
        await h.database.prisma.wechatBinding.create({ data: { licenceId: licence.id, openId: h.simulators.wechat.follower(), boundAt: new Date(await h.now()) } });
        // The message a week after the prompt, the call two weeks after it.
        await days(h, 200 - 90 + 9 + 14);
        await h.openTask(licence.id, 'phone_call');
        return licence.handle;
      }),
  },
  {
    name: 'wechat-not-bound',
    drive: (h, number) =>
      withWechatLadder(h, async () => {
        const licence = await h.register(number, await dateIn(h, 200), { contact: { name: '张敏', phone: '13900139015' } });
        await days(h, 200 - 90 + 9);
        await eventually(async () => {
          if (!(await h.ledger(licence.id)).includes('sms:sent')) throw new Error('no text instead of the WeChat message yet');
        });
        return licence.handle;
      }),
  },
  {
    name: 'earlier-run-texted',
    async drive(h, number) {
      // Started by the code before folded steps, then woken by today's, as a deployment meets it.
      await h.stopWorker();
      const earlier = await workerBefore(FOLDED_STEPS_PATCH, {
        connection: h.env.nativeConnection,
        dataConverter,
        taskQueue: h.taskQueue,
        activities: createLicenceActivities(h.dependencies()),
      });
      const earlierRun = earlier.run();
      const licence = await h.register(number, await dateIn(h, 200), { contact: { name: '张敏', phone: '13900139016' } });
      await eventually(async () => {
        if ((await licence.handle.query(licenceStatusQuery)).stage !== 'awaiting_window') throw new Error('the earlier code has not put it to sleep yet');
      });
      earlier.shutdown();
      await earlierRun;
      await h.startWorker();
      // The prompt, then the SMS a week later.
      await days(h, 200 - 90 + 9);
      await eventually(async () => {
        if (!(await h.ledger(licence.id)).includes('sms:sent')) throw new Error('no SMS yet');
      });
      return licence.handle;
    },
  },
  {
    name: 'registered-after-expiry',
    async drive(h, number) {
      const licence = await h.register(number, await dateIn(h, -3));
      await licence.handle.result();
      return licence.handle;
    },
  },
];

async function main(): Promise<void> {
  const version = process.argv[2];
  if (!version || !/^v\d+$/.test(version)) throw new Error('give the history version folder to write, e.g. v2');
  const only = process.argv[3];
  const outputDir = path.join(__dirname, 'histories', version);
  fs.mkdirSync(outputDir, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const h = await LifecycleHarness.start();
  try {
    for (const scenario of SCENARIOS.filter((s) => !only || s.name === only)) {
      await h.beginTest();
      try {
        const handle = await scenario.drive(h, `REPLAY-${version}-${scenario.name}`);
        const history = await handle.fetchHistory();
        fs.writeFileSync(path.join(outputDir, `${scenario.name}.json`), historyToJSON(history) + '\n');
        console.log(`recorded ${version}/${scenario.name} (${history.events?.length ?? 0} events)`);
      } finally {
        await h.endTest();
      }
    }
  } finally {
    await h.teardown();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
