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
import {
  correctExpiryUpdate,
  renewalApplicationUpdate,
  renewalDecisionUpdate,
  replanSignal,
  revocationUpdate,
} from '../../workflows/licence-definitions';
import { DAY, LifecycleHarness } from '../support/lifecycle';

/** One path of a licence's life, driven on a fresh test server whose clock reads the real now. */
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

/** Registers a licence expiring in `expiresInDays` and lets its ladder reach the phone task. */
async function toPhoneTask(h: LifecycleHarness, licenceNumber: string, expiresInDays = 200) {
  const licence = await h.register(licenceNumber, await dateIn(h, expiresInDays));
  // Prompt, SMS a week later, call two weeks after it, each possibly moved to the next send window.
  await days(h, expiresInDays - 90 + 30);
  return { licence, task: await h.openTask(licence.id, 'phone_call') };
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
