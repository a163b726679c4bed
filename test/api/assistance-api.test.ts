import { DateTime } from 'luxon';
import { addWorkingDays } from '../../domain';
import { apiSuite } from '../support/api-server';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// A holder asks, through the service portal, for assisted handling (帮办代办) or an appointment:
// the request becomes a task of the licence's department, due in two working days.
const suite = apiSuite();

it('opens one task per request, due in two working days, that a specialist closes without moving the reminders', async () => {
  const registered = await suite.api.call('POST', '/api/v1/licences', {
    bureau: 'weihai',
    licenceNumber: '鲁威药经2023888',
    licenceType: 'WH01',
    holder: { name: '威海安康药房' },
    contact: { name: '周红', phone: '13600136000' },
    issuedOn: '2022-05-31',
    expiresOn: '2027-05-31',
  });
  const licenceId = registered.body.id;
  const before = Date.now();
  const request = { kind: 'assisted_handling', requestId: 'WX-20270302-0017', note: '老人不会网上申请，请帮办' };
  const opened = await suite.api.call('POST', `/api/v1/licences/${licenceId}/assistance-requests`, request);
  expect(opened.status).toBe(201);
  const expectedDue = addWorkingDays(DateTime.fromMillis(before), 2, 'Asia/Shanghai').toISO({ suppressMilliseconds: false });
  expect(Date.parse(opened.body.dueAt)).toBe(Date.parse(expectedDue!));
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
