import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { apiSuite } from '../support/api-server';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const suite = apiSuite();

it('publishes the notice on demand and serves it to the public as JSON, RSS and a page, people masked', async () => {
  const { h, api } = suite;
  await h.register('鲁威药经2023901', '2027-05-31');
  await h.register('BN-API-NURSE', '2027-05-20', { licenceType: 'WH13', holder: { name: '王秀英' }, contact: { name: '王秀英', phone: '13800138301' } });
  await h.skipTo('2027-03-01T02:00:00.000Z');
  await eventually(async () => expect(await h.database.prisma.licence.count({ where: { stage: 'window_open' } })).toBe(2));
  const anonymous = await api.as('anonymous');
  expect((await anonymous.call('GET', '/api/v1/bureaus/weihai/batch-notices')).body).toEqual({ bureau: 'weihai', bureauName: '威海市行政审批服务局', notices: [] });

  const published = await (await api.as('supervisor')).call('POST', '/api/v1/bureaus/weihai/batch-notices');
  expect(published).toMatchObject({ status: 202, body: { workflowId: expect.stringMatching(/^batch-notice\/weihai\/\d{4}-\d{2}-\d{2}$/), notices: '/api/v1/bureaus/weihai/batch-notices' } });

  const listed = await eventually(async () => {
    const answer = await anonymous.call('GET', '/api/v1/bureaus/weihai/batch-notices?limit=5');
    expect(answer.body.notices).toHaveLength(1);
    return answer;
  });
  const noticeId = listed.body.notices[0].id;
  expect(listed.body.notices).toEqual([
    {
      id: noticeId,
      title: expect.stringMatching(/^威海市行政审批服务局证照到期温馨提示（2027-03-0\d）$/),
      issuedOn: expect.stringMatching(/^2027-03-0\d$/),
      publishedAt: expect.any(String),
      entries: [
        { licence: '护士执业证书', holder: '王**', expiresOn: '2027-05-20', deadline: '有效期届满前' },
        { licence: '药品经营许可证', holder: '威海康宁大药房有限公司', expiresOn: '2027-05-31', deadline: '有效期届满前' },
      ],
    },
  ]);

  const feed = await fetch(`${api.url}/api/v1/bureaus/weihai/batch-notices/feed.xml`);
  expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  const xml = await feed.text();
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<rss/);
  expect(xml).toContain('<title><![CDATA[威海市行政审批服务局证照到期集中提醒]]></title>');
  expect(xml).toContain('王**：护士执业证书，2027-05-20到期，申请换证时限：有效期届满前');
  expect(xml).toContain(`<guid isPermaLink="false">${noticeId}</guid>`);
  expect(xml).not.toContain('王秀英');

  const page = await fetch(`${api.url}/notices/weihai`);
  expect(page.status).toBe(200);
  const text = await page.text();
  expect(text).toContain('<h1>威海市行政审批服务局证照到期集中提醒</h1>');
  expect(text).toContain('<tr><td>护士执业证书</td><td>王**</td><td>2027-05-20</td><td>有效期届满前</td></tr>');
  expect(text).not.toContain('王秀英');
  expect((await fetch(`${api.url}/notices/nowhere`)).status).toBe(404);

  // 朋友圈转发: the page says how it looks when shared, and offers the poster it shows.
  expect(text).toContain(`<meta property="og:image" content="${api.url}/notices/weihai/poster.png">`);
  expect(text).toMatch(/<meta property="og:description" content="2027-03-0\d：2 张证照即将到期/);
  const poster = await fetch(`${api.url}/notices/weihai/poster.png`);
  expect(poster.status).toBe(200);
  expect(poster.headers.get('content-type')).toBe('image/png');
  expect(poster.headers.get('content-disposition')).toContain(encodeURIComponent('威海市行政审批服务局证照到期集中提醒-2027-03-0'));
  const png = Buffer.from(await poster.arrayBuffer());
  // Drawn once per notice: asked again, the same image comes back.
  expect(Buffer.from(await (await fetch(`${api.url}/notices/weihai/poster.png`)).arrayBuffer()).equals(png)).toBe(true);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const image = PNG.sync.read(png);
  expect([image.width, image.height]).toEqual([1080, 1620]);
  // Its QR code, as a phone's camera reads it, opens the public page.
  expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(`${api.url}/notices/weihai`);
});

it('refuses a cron expression whose fields are out of range (found by the fuzzer: 0 0 0 0 0 answered 500)', async () => {
  const supervisor = await suite.api.as('supervisor');
  for (const cron of ['0 0 0 0 0', '60 9 * * 1', '0 24 * * 1', '0 9 32 * *', '0 9 * 13 *', '0 9 * * 8', '0 9 1-40 * *', '*/0 9 * * *']) {
    const refused = await supervisor.call('PUT', '/api/v1/bureaus/weihai/batch-notices/schedule', { cron });
    expect([cron, refused.status, refused.body.error.fields[0].path]).toEqual([cron, 400, 'cron']);
  }
  expect((await suite.h.database.prisma.bureau.findUniqueOrThrow({ where: { code: 'weihai' } })).batchNoticeCron).toBe('0 9 * * 1');
});

it('refuses a schedule that is not a cron expression, naming the field', async () => {
  const refused = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/batch-notices/schedule', { cron: 'every monday' });
  expect(refused.status).toBe(400);
  expect(refused.body.error.fields).toEqual([{ path: 'cron', message: expect.stringContaining('must be a five-field cron expression') }]);
  expect((await suite.h.database.prisma.bureau.findUniqueOrThrow({ where: { code: 'weihai' } })).batchNoticeCron).toBe('0 9 * * 1');
});
