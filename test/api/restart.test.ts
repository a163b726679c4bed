import fs from 'node:fs';
import { connectTemporalClient } from '../../runtime/temporal';
import { startTestSystem, type TestSystem } from '../support/system';
import { quietTemporalLogs } from '../support/temporal';
import { fiveYearLicenceDates } from '../support/wall-clock';

quietTemporalLogs();

// The dev server's clock is the wall clock: every date is counted from this year.
const dates = fiveYearLicenceDates();

const FOOD_LICENCE = {
  bureau: 'luliang',
  licenceNumber: '晋吕食生2024-0001',
  licenceType: '食品生产许可证',
  holder: { name: '吕梁汾州食品有限公司' },
  contact: { name: '王强', phone: '0358-8221234' },
  issuedOn: dates.issuedOn,
  expiresOn: dates.expiresOn,
};

let system: TestSystem | undefined;

afterEach(async () => {
  await system?.stop();
});

it('keeps every licence and its sleeping workflow across a restart on the embedded defaults', async () => {
  system = await startTestSystem({ bureau: 'luliang' });
  const { dataDir } = system;
  const registered = await system.request('POST', '/api/v1/licences', FOOD_LICENCE);
  expect(registered.status).toBe(201);
  const before = await system.request('GET', `/api/v1/licences/${registered.body.id}`);
  let temporal = await connectTemporalClient(system.temporalAddress, 'default');
  const runBefore = (await temporal.client.workflow.getHandle(registered.body.workflowId).describe()).runId;
  await temporal.close();
  await system.stop();
  system = undefined;

  system = await startTestSystem({ dataDir });
  const after = await system.request('GET', `/api/v1/licences/${registered.body.id}`);
  expect(after.status).toBe(200);
  expect(after.body).toEqual(before.body);
  expect(after.body).toMatchObject({ stage: 'awaiting_window', reminderWindowOpensOn: dates.windowOpensOn });
  temporal = await connectTemporalClient(system.temporalAddress, 'default');
  const description = await temporal.client.workflow.getHandle(registered.body.workflowId).describe();
  await temporal.close();
  expect(description.status.name).toBe('RUNNING');
  expect(description.runId).toBe(runBefore);

  const again = await system.request('POST', '/api/v1/licences', FOOD_LICENCE);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(registered.body);
  await system.stop();
  system = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});
