import { apiSuite } from '../support/api-server';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';
import { weihaiDrugLicence } from '../support/licence-bodies';

quietTemporalLogs();

// A holder asks, through the service portal, for assisted handling (帮办代办) or an appointment:
// the request becomes a task of the licence's department, due in two working days. The clock
// starts at 10:00 on Wednesday 30 September 2026 in Shanghai, the eve of the National Day holiday
// (1–7 October): the two working days are 8 and 9 October.
const suite = apiSuite({ startAt: '2026-09-30T02:00:00.000Z' });
const DUE_AFTER_THE_HOLIDAY = '2026-10-09T15:59:59.999Z';

it('opens one task per request, due in two working days, that a specialist closes without moving the reminders', async () => {
  const registered = await suite.api.call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023888', '威海安康药房', { name: '周红', phone: '13600136000' }));
  const licenceId = registered.body.id;
  const request = { kind: 'assisted_handling', requestId: 'WX-20270302-0017', note: '老人不会网上申请，请帮办' };
  const opened = await suite.api.call('POST', `/api/v1/licences/${licenceId}/assistance-requests`, request);
  expect(opened.status).toBe(201);
  expect(opened.body.dueAt).toBe(DUE_AFTER_THE_HOLIDAY);
  const again = await suite.api.call('POST', `/api/v1/licences/${licenceId}/assistance-requests`, request);
  expect(again).toEqual({ status: 200, body: opened.body });

  const specialist = await suite.api.as('specialistA');
  const { body } = await specialist.call('GET', '/api/v1/tasks?status=open');
  expect(body.tasks.filter((task: { licence: { id: string } }) => task.licence.id === licenceId)).toEqual([
    expect.objectContaining({ id: opened.body.taskId, kind: 'assisted_handling', note: '老人不会网上申请，请帮办', department: '市场准入二科' }),
  ]);
  const otherDepartment = await suite.api.as('specialistB');
  expect((await otherDepartment.call('POST', `/api/v1/tasks/${opened.body.taskId}/claim`)).status).toBe(403);

  const statusBefore = await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023888' });
  expect((await specialist.call('POST', `/api/v1/tasks/${opened.body.taskId}/complete`, { outcome: 'no_answer' })).status).toBe(400);
  const done = await specialist.call('POST', `/api/v1/tasks/${opened.body.taskId}/complete`, { outcome: 'handled' });
  expect(done.body).toMatchObject({ status: 'completed', outcome: 'handled', note: '老人不会网上申请，请帮办' });
  expect(await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023888' })).toEqual(statusBefore);
});

it("keeps a holder's request open when a renewal application pauses the reminders", async () => {
  const registered = await suite.api.call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023889', '威海安康药房', { name: '周红', phone: '13600136001' }));
  const licenceId = registered.body.id;
  const opened = await suite.api.call('POST', `/api/v1/licences/${licenceId}/assistance-requests`, { kind: 'appointment', requestId: 'WX-20260930-0002', preferredTime: '10月9日上午' });
  expect(opened.status).toBe(201);
  expect((await suite.api.call('POST', `/api/v1/licences/${licenceId}/renewal-application`, { applicationNumber: 'SQ-2026-889', appliedOn: '2026-09-30' })).status).toBe(200);
  await eventually(async () => expect((await suite.api.call('GET', `/api/v1/licences/${licenceId}`)).body.stage).toBe('renewal_pending'));
  const task = await suite.h.database.prisma.humanTask.findUniqueOrThrow({ where: { id: opened.body.taskId } });
  expect(task).toMatchObject({ kind: 'appointment', status: 'open' });
});
