/**
 * Records the histories that the replay test runs against today's workflow code.
 *
 *   npm run histories:record -- <version>     e.g. v1
 *
 * Run it when a workflow change ships, into a new version folder, and commit the files: the
 * older folders stand for executions that may still be running in a bureau's cluster.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createLicenceActivities } from '../../activities';
import { registerSearchAttributes } from '../../runtime/search-attributes';
import { licenceWorkflow } from '../../workflows';
import { createTestDatabase } from '../support/databases';
import { insertWorkflowLicence } from '../support/licence-rows';
import { TEST_SERVER_WRAPPER, WORKFLOWS_PATH } from '../support/paths';

const TASK_QUEUE = 'record-histories';
const DAY = 86_400_000;

interface Scenario {
  name: string;
  expiresInDays: number;
  /** How long to let it run; `undefined` runs it to completion. */
  runForDays?: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'window-opened-then-expired', expiresInDays: 400 },
  { name: 'registered-inside-window', expiresInDays: 30 },
  { name: 'asleep-before-window', expiresInDays: 400, runForDays: 10 },
  { name: 'window-open-awaiting-expiry', expiresInDays: 400, runForDays: 330 },
];

async function main(): Promise<void> {
  const version = process.argv[2];
  if (!version || !/^v\d+$/.test(version)) throw new Error('give the history version folder to write, e.g. v1');
  const outputDir = path.join(__dirname, 'histories', version);
  fs.mkdirSync(outputDir, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER_WRAPPER } },
  });
  const database = await createTestDatabase('pglite');
  try {
    await registerSearchAttributes(env.connection, 'default');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: WORKFLOWS_PATH,
      activities: createLicenceActivities({ prisma: database.prisma }),
    });
    await worker.runUntil(async () => {
      for (const scenario of SCENARIOS) {
        const start = await env.currentTimeMs();
        const expiresOn = new Date(start + scenario.expiresInDays * DAY).toISOString().slice(0, 10);
        const licenceNumber = `REPLAY-${scenario.name}`;
        const input = await insertWorkflowLicence(database.prisma, licenceNumber, expiresOn);
        const handle = await env.client.workflow.start(licenceWorkflow, {
          workflowId: `licence/weihai/${licenceNumber}`,
          taskQueue: TASK_QUEUE,
          args: [input],
        });
        if (scenario.runForDays === undefined) {
          await handle.result();
        } else {
          await env.sleep(scenario.runForDays * DAY);
          await handle.query('licenceStatus');
        }
        const history = await handle.fetchHistory();
        fs.writeFileSync(path.join(outputDir, `${scenario.name}.json`), historyToJSON(history) + '\n');
        if (scenario.runForDays !== undefined) await handle.terminate('recorded');
        console.log(`recorded ${version}/${scenario.name} (${history.events?.length ?? 0} events)`);
      }
    });
  } finally {
    await env.teardown();
    await database.destroy();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
