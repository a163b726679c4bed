import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { updateCatalogueEntry } from '../../services/catalogue';
import { ACCOUNTS, TEST_PASSWORD } from '../support/accounts';
import { apiSuite } from '../support/api-server';
import { logIn } from '../support/http';
import { eventually } from '../support/lifecycle';
import { after, HOUR, SMS_TIMELINE as t } from '../support/sms-timeline';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// One holder, known by its unified social credit code, with three licences of one department
// expiring the same day and a contact number on each: one text, one call.
const suite = apiSuite();

it("a holder's three licences falling due together make one text and one call: the specialist claims and completes it once, and each licence's ledger and ladder move", async () => {
  const { h, api } = suite;
  const holder = { name: '威海康宁大药房有限公司', idNumber: '91371000MA3C8XYZ2L' };
  const phones = ['13500135021', '13500135022', '13500135023'];
  const licences = [];
  for (const [index, number] of ['鲁威药经2023251', '鲁威药经2023252', '鲁威药经2023253'].entries()) {
    licences.push(await h.register(number, t.expiresOn, { holder, contact: { name: '张敏', phone: phones[index]! } }));
  }
  // Another holder at one of those numbers is called apart.
  const other = await h.register('鲁威药经2023254', t.expiresOn, { holder: { name: '威海仁和堂药店' }, contact: { name: '张敏', phone: phones[0]! } });

  await h.skipTo(after(t.smsSent, HOUR));
  for (const licence of licences) await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  expect(h.simulators.sms.filter((text) => phones.includes(text.phone) && text.text.includes('鲁威药经2023251、鲁威药经2023252、鲁威药经2023253'))).toHaveLength(1);

  await h.skipTo(after(t.callDue, HOUR));
  const tasks = await Promise.all([...licences, other].map((licence) => h.openTask(licence.id, 'phone_call')));
  const specialist = await api.as('specialistA');
  const listed = (await specialist.call('GET', '/api/v1/tasks?status=open')).body.tasks as Array<{ id: string; licence: { licenceNumber: string }; bundle: Array<{ licenceNumber: string }> }>;
  const bundleOf = (licenceNumber: string) => listed.find((task) => task.licence.licenceNumber === licenceNumber)!.bundle.map((mate) => mate.licenceNumber).sort();
  expect(bundleOf('鲁威药经2023251')).toEqual(['鲁威药经2023252', '鲁威药经2023253']);
  expect(bundleOf('鲁威药经2023254')).toEqual([]);

  // One claim takes the holder's three calls; the other holder's call stays in the queue.
  const claimed = await specialist.call('POST', `/api/v1/tasks/${tasks[1]!.id}/claim`);
  expect(claimed.body).toMatchObject({ status: 'claimed', bundle: [{ status: 'claimed' }, { status: 'claimed' }] });
  const page = String((await specialist.call('GET', `/tasks/${tasks[0]!.id}`)).body);
  expect(page).toContain('一并办理');
  expect(page).toContain('鲁威药经2023253');

  // One call, one outcome: every licence of the holder records it and its ladder ends.
  expect((await specialist.call('POST', `/api/v1/tasks/${tasks[1]!.id}/complete`, { outcome: 'reached', note: '已告知三证同办' })).status).toBe(200);
  for (const licence of licences) {
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']));
    await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'record_expiry', dueAt: expect.any(String) }));
  }
  expect(await h.tasks(other.id)).toEqual(['phone_call#1:open']);
});

it("a holder's two letters of a day are one letter listing both licences, and one envelope completes both tasks", async () => {
  const { h, api } = suite;
  await h.database.prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: [{ channel: 'letter', dueWorkingDays: 5 }] } });
  await updateCatalogueEntry(
    { prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue },
    'weihai:WH01',
    { renewalDeadline: '届满前30个工作日', officeAddress: '威海市政务服务中心二楼B区', servicePhone: '0631-5201234', materials: ['延续申请表'] },
    '李强',
  );
  const holder = { name: '威海康宁大药房有限公司', idNumber: '91371000MA3C8XYZ3M' };
  const licences = [
    await h.register('鲁威药经2023261', '2027-07-31', { holder, contact: { name: '张敏', phone: '13500135031' } }),
    await h.register('鲁威药经2023262', '2027-07-31', { holder, contact: { name: '李强', phone: '13500135032' } }),
  ];
  await h.skipTo('2027-05-01T00:00:00.000Z');
  const tasks = await Promise.all(licences.map((licence) => h.openTask(licence.id, 'send_letter')));
  const specialist = await api.as('specialistA');
  const view = ((await specialist.call('GET', '/api/v1/tasks?status=open')).body.tasks as Array<{ id: string; bundleLetterPdf: string | null }>).find((task) => task.id === tasks[0]!.id)!;
  expect(view.bundleLetterPdf).toBe(`/api/v1/tasks/${tasks[0]!.id}/bundle-letter`);

  // Read as the specialist prints it: one letter naming both licences.
  const { cookie } = await logIn(api.url, ACCOUNTS.specialistA.username, TEST_PASSWORD);
  const response = await fetch(`${api.url}${view.bundleLetterPdf}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-letter-'));
  const file = path.join(folder, 'letter.pdf');
  fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(text).toContain('鲁威药经2023261、鲁威药经2023262');
  expect(text.match(/证照到期提醒函/g)).toHaveLength(1);
  expect(text).toContain('办理地点：威海市政务服务中心二楼B区');
  fs.rmSync(folder, { recursive: true });

  // One envelope: sending it completes both tasks, and each licence's ledger has its letter.
  expect((await specialist.call('POST', `/api/v1/tasks/${tasks[0]!.id}/complete`, { outcome: 'sent', note: 'EMS 1100000000001' })).status).toBe(200);
  for (const licence of licences) await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['letter:sent']));
  // A task without a bundle has no holder's letter to give.
  const lone = await h.database.prisma.humanTask.findFirstOrThrow({ where: { licence: { licenceNumber: '鲁威药经2023254' } } });
  const alone = await specialist.call('GET', `/api/v1/tasks/${lone.id}/bundle-letter`);
  expect(alone.status).toBe(409);
});
