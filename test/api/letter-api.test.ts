import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { updateCatalogueEntry } from '../../services/catalogue';
import { wechatBindingUrl } from '../../services/wechat-bindings';
import { TEST_API_KEY } from '../support/accounts';
import { apiSuite } from '../support/api-server';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const suite = apiSuite();

it('writes the letter as a Chinese PDF with everything the holder needs, downloadable and linked from its task', async () => {
  const { h, api } = suite;
  // This department writes to holders as soon as the window opens.
  await h.database.prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: [{ channel: 'letter', dueWorkingDays: 5 }] } });
  await updateCatalogueEntry(
    { prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue },
    'weihai:WH01',
    { renewalDeadline: '届满前30个工作日', officeAddress: '威海市政务服务中心二楼B区', servicePhone: '0631-5201234', materials: ['延续申请表', '营业执照副本'] },
    '李强',
  );
  const licence = await h.register('鲁威药经2023555', '2027-05-31');
  await h.skipTo('2027-02-27T16:01:00.000Z');
  await h.openTask(licence.id, 'send_letter');

  const { body } = await (await api.as('supervisor')).call('GET', '/api/v1/tasks?bureau=weihai&status=open');
  const task = body.tasks.find((candidate: { licence: { licenceNumber: string } }) => candidate.licence.licenceNumber === '鲁威药经2023555');
  expect(task.letterPdf).toMatch(/^\/api\/v1\/letters\/[0-9a-f-]{36}\/pdf$/);
  const letterId = task.letterPdf.split('/')[4];
  expect((await api.call('GET', `/api/v1/letters/${letterId}`)).body).toMatchObject({ licenceNumber: '鲁威药经2023555', pdf: task.letterPdf });

  const response = await fetch(`${api.url}${task.letterPdf}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(decodeURIComponent(response.headers.get('content-disposition') ?? '')).toContain('证照到期提醒函-鲁威药经2023555.pdf');
  const pdf = Buffer.from(await response.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

  // Read it back as a reader would: the text is real Chinese text in an embedded font.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'letter-'));
  const file = path.join(folder, 'letter.pdf');
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  for (const expected of [
    '威海市行政审批服务局',
    '证照到期提醒函',
    '威海康宁大药房有限公司',
    '鲁威药经2023555',
    '2027-05-31',
    '申请换证时限：届满前30个工作日',
    '办理地点：威海市政务服务中心二楼B区',
    '服务电话：0631-5201234',
    '1.延续申请表；2.营业执照副本',
  ]) {
    expect(text).toContain(expected);
  }
  expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/NotoSansSC/);
  // The bureau has a WeChat account: the letter carries the licence's binding link as a code to scan.
  expect(text).toContain('微信扫码绑定本证照');
  execFileSync('pdfimages', ['-png', file, path.join(folder, 'image')]);
  const [qrImage] = fs.readdirSync(folder).filter((name) => name.startsWith('image')).sort();
  const image = PNG.sync.read(fs.readFileSync(path.join(folder, qrImage!)));
  const scanned = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
  expect(scanned).toBe(await wechatBindingUrl(h.database.prisma, h.dependencies().endpoints.publicUrl!, licence.id));
  fs.rmSync(folder, { recursive: true });

  expect((await api.call('GET', '/api/v1/letters/00000000-0000-4000-8000-000000000000/pdf')).status).toBe(404);
});
