import { DEFAULT_LADDER } from '../../domain';
import { serveApi, type TestApi } from '../support/api-server';
import { eventually, LifecycleHarness } from '../support/lifecycle';
import { after, HOUR, SMS_TIMELINE as t } from '../support/sms-timeline';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The default ladder with WeChat in the SMS's place: the WeChat step falls due on Sunday
// 7 March 2027 and goes at 09:00 on Monday 8 March, as the text would.
const WECHAT_LADDER = DEFAULT_LADDER.map((step) => (step.channel === 'sms' ? { ...step, channel: 'wechat' } : step));
const DEPARTMENT = encodeURIComponent('weihai:市场准入二科');
const IN_WECHAT = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile MicroMessenger/8.0.50' };

let h: LifecycleHarness;
let api: TestApi;

beforeAll(async () => {
  h = await LifecycleHarness.start();
  await h.beginTest({ worker: false });
  api = await serveApi(h);
  // The binding links the worker prints point at the API that serves the binding pages.
  h.publicUrl = api.url;
  await h.startWorker();
});
afterAll(async () => {
  await api?.close();
  await h?.teardown();
});

/** What the approval system's portal received for the licence's auto prompt. */
const promptOf = (licenceNumber: string) => h.simulators.prompts.find((prompt) => decodeURIComponent(prompt.idempotencyKey).includes(licenceNumber))?.body as Record<string, string> | undefined;

/** The holder opens the binding link inside WeChat, as the browser would: each redirect followed by hand, the WeChat user named. */
async function bindInWechat(link: string, openId: string): Promise<string> {
  const toWechat = await fetch(link, { redirect: 'manual', headers: IN_WECHAT });
  expect(toWechat.status).toBe(302);
  const back = await fetch(toWechat.headers.get('location')!, { redirect: 'manual', headers: { ...IN_WECHAT, 'x-simulated-openid': openId } });
  expect(back.status).toBe(302);
  const bound = await fetch(back.headers.get('location')!, { headers: IN_WECHAT });
  expect(bound.status).toBe(200);
  return bound.text();
}

/** Registers a licence, lets its window open and its prompt go by `promptGoneBy`, and binds a new follower through the prompt's link. */
async function boundOnceItsPromptWent(licenceNumber: string, expiresOn: string, phone: string, promptGoneBy: string) {
  const licence = await h.register(licenceNumber, expiresOn, { contact: { name: '孙伟', phone } });
  await h.skipTo(promptGoneBy);
  const link = await eventually(async () => promptOf(licenceNumber)?.wechatBindingUrl ?? Promise.reject(new Error(`no prompt for ${licenceNumber} yet`)));
  const holder = h.simulators.wechat.follower();
  await bindInWechat(link, holder);
  return { licence, holder };
}

it("a department's ladder takes a WeChat step, and its prompt carries each licence's binding link", async () => {
  const set = await (await api.as('admin')).call('PATCH', `/api/v1/departments/${DEPARTMENT}`, { ladder: WECHAT_LADDER });
  expect(set.status).toBe(200);
  expect(set.body.ladder).toEqual(WECHAT_LADDER);
  const refused = await (await api.as('admin')).call('PATCH', `/api/v1/departments/${DEPARTMENT}`, { ladder: [{ channel: 'wechat', waitDays: 14, template: 'x' }] });
  expect(refused.status).toBe(400);
});

it('a bound holder gets one WeChat message and no text; an unbound or unfollowed one gets the text; a send whose answer was lost is not doubled', async () => {
  const licences = {
    bound: await h.register('鲁威药经2023301', t.expiresOn, { contact: { name: '张敏', phone: '13500135301' } }),
    unbound: await h.register('鲁威药经2023302', t.expiresOn, { contact: { name: '李强', phone: '13500135302' } }),
    unfollowed: await h.register('鲁威药经2023303', t.expiresOn, { contact: { name: '王磊', phone: '13500135303' } }),
    answerLost: await h.register('鲁威药经2023304', t.expiresOn, { contact: { name: '赵丽', phone: '13500135304' } }),
  };
  // The window opened on 28 February 2027; the prompt went then.
  await h.skipTo('2027-03-01T00:00:00.000Z');
  await eventually(async () => expect(promptOf('鲁威药经2023304')?.wechatBindingUrl).toBeDefined());
  const link = (licenceNumber: string) => promptOf(licenceNumber)!.wechatBindingUrl!;
  expect(link('鲁威药经2023301')).toMatch(new RegExp(`^${api.url}/wechat/bind/[A-Za-z0-9_-]{22}$`));

  // Opened outside WeChat, the link shows itself as a QR code to scan.
  const outside = await fetch(link('鲁威药经2023301'));
  expect(outside.status).toBe(200);
  const page = await outside.text();
  expect(page).toContain('<svg');
  expect(page).toContain('鲁威药经2023301');
  expect((await fetch(`${api.url}/wechat/bind/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);

  const wechat = h.simulators.wechat;
  const holders = { bound: wechat.follower(), unfollowed: wechat.follower(), answerLost: wechat.follower() };
  expect(await bindInWechat(link('鲁威药经2023301'), holders.bound)).toContain('绑定成功');
  await bindInWechat(link('鲁威药经2023303'), holders.unfollowed);
  await bindInWechat(link('鲁威药经2023304'), holders.answerLost);
  expect(await h.database.prisma.wechatBinding.count()).toBe(3);
  wechat.unfollow(holders.unfollowed);
  // WeChat took the message, then the connection dropped before its answer reached the engine.
  wechat.failSends(holders.answerLost, 'reset_after_accept');

  await h.skipTo(after(t.smsSent, HOUR));
  const ledger = async () => ({
    bound: await h.ledger(licences.bound.id),
    unbound: await h.ledger(licences.unbound.id),
    unfollowed: await h.ledger(licences.unfollowed.id),
    answerLost: await h.ledger(licences.answerLost.id),
  });
  await eventually(async () =>
    expect(await ledger()).toEqual({
      bound: ['auto_prompt:delivered', 'wechat:sent'],
      unbound: ['auto_prompt:delivered', 'sms:sent'],
      unfollowed: ['auto_prompt:delivered', 'sms:sent'],
      answerLost: ['auto_prompt:delivered', 'wechat:sent'],
    }),
  );

  // One message each to the two reachable holders, though the lost answer's step asked twice.
  expect(wechat.messages.map((message) => message.openId).sort()).toEqual([holders.bound, holders.answerLost].sort());
  expect(wechat.sendRequests).toBe(4);
  const [message] = wechat.messages.filter((sent) => sent.openId === holders.bound);
  expect(message!.data).toEqual({
    thing1: { value: '药品经营许可证' },
    thing2: { value: '鲁威药经2023301' },
    time3: { value: '2027-05-31' },
    thing4: { value: expect.any(String) },
    phone_number5: { value: expect.stringMatching(/^[0-9-]+$/) },
  });
  expect(message!.at.slice(0, 16)).toBe(t.smsSent.slice(0, 16));
  // One token served every send: it is kept, not fetched per message.
  expect(wechat.tokensIssued).toBe(1);

  // The texts went to the two WeChat could not reach, and to no one else.
  expect(h.simulators.sms.map((text) => text.phone).sort()).toEqual(['13500135302', '13500135303']);
  const refusal = await h.database.prisma.wechatBinding.findUniqueOrThrow({ where: { licenceId: licences.unfollowed.id } });
  expect(refusal.refusalCode).toBe(43004);
  expect(refusal.refusedAt).not.toBeNull();
  // The licence page tells staff who is reached on WeChat and who is texted instead.
  const supervisor = await api.as('supervisor');
  const pageOf = async (id: string) => String((await supervisor.call('GET', `/licences/${id}`)).body);
  expect(await pageOf(licences.bound.id)).toMatch(/<dd id="wechat-binding">已绑定/);
  expect(await pageOf(licences.unbound.id)).toMatch(/<dd id="wechat-binding">未绑定/);
  expect(await pageOf(licences.unfollowed.id)).toContain('已取消关注或拒收（微信错误码 43004');

  // Every ladder goes on to its call 14 days after its reminder.
  for (const licence of Object.values(licences)) await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
  const history = async (id: string) => ((await api.call('GET', `/api/v1/licences/${id}/history`)).body.events as Array<{ what: string; detail?: string }>).map((event) => event.what + (event.detail ? ` (${event.detail})` : ''));
  expect(await history(licences.bound.id)).toContain('WeChat reminder sent');
  expect(await history(licences.unbound.id)).toEqual(expect.arrayContaining(['WeChat reminder not sent: texted instead (not_bound)', 'SMS reminder sent']));
  expect(await history(licences.unfollowed.id)).toContain('WeChat reminder not sent: texted instead (refused)');
});

it('a new binding from the holder replaces the refused one; an authorisation code serves once', async () => {
  const licence = await h.database.prisma.licence.findFirstOrThrow({ where: { licenceNumber: '鲁威药经2023303' } });
  const link = promptOf('鲁威药经2023303')!.wechatBindingUrl!;
  const again = h.simulators.wechat.follower();
  await bindInWechat(link, again);
  const binding = await h.database.prisma.wechatBinding.findUniqueOrThrow({ where: { licenceId: licence.id } });
  expect({ openId: binding.openId, refusedAt: binding.refusedAt, refusalCode: binding.refusalCode }).toEqual({ openId: again, refusedAt: null, refusalCode: null });
  // A code WeChat issued serves once: going back to the page refuses it, and nothing changes.
  const toWechat = await fetch(link, { redirect: 'manual', headers: IN_WECHAT });
  const back = await fetch(toWechat.headers.get('location')!, { redirect: 'manual', headers: { ...IN_WECHAT, 'x-simulated-openid': again } });
  const callback = back.headers.get('location')!;
  expect((await fetch(callback)).status).toBe(200);
  expect((await fetch(callback)).status).toBe(400);
});

it('a send whose answers stay lost past the ten minutes WeChat drops repeats for is never sent again: recorded unconfirmed, the holder is texted as well', async () => {
  const { licence, holder } = await boundOnceItsPromptWent('鲁威药经2023305', '2027-06-30', '13500135305', '2027-04-01T00:00:00.000Z');
  const wechat = h.simulators.wechat;
  // Every attempt for a quarter of an hour of retries (backing off to five minutes apart) is cut off before WeChat answers.
  wechat.failSends(holder, ...Array<'reset_before_accept'>(14).fill('reset_before_accept'));
  const tokensBefore = wechat.tokensIssued;
  await h.skipTo('2027-04-15T00:00:00.000Z');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'wechat:unconfirmed', 'sms:sent']));
  expect(wechat.messages.filter((message) => message.openId === holder)).toEqual([]);
  const row = await h.database.prisma.wechatMessage.findFirstOrThrow({ where: { licenceId: licence.id } });
  expect(row.status).toBe('unconfirmed');
  expect(row.attempts).toBeGreaterThanOrEqual(10);
  expect(h.simulators.sms.filter((text) => text.phone === '13500135305')).toHaveLength(1);
  // Weeks on the account's clock: the kept token had expired there, and one fresh token replaced it.
  expect(wechat.tokensIssued).toBe(tokensBefore + 1);
});

it('a template WeChat refuses is a task for the department; once it is fixed the step goes again and reaches the holder', async () => {
  const { licence, holder } = await boundOnceItsPromptWent('鲁威药经2023306', '2027-07-31', '13500135306', '2027-05-02T00:00:00.000Z');
  const wechat = h.simulators.wechat;
  const configured = wechat.account.templateId;
  // The account deleted the template the engine is configured with.
  wechat.account.templateId = 'TEMPLATE_ADDED_AGAIN';
  await h.skipTo('2027-05-15T00:00:00.000Z');
  const task = await h.openTask(licence.id, 'resolve_refusal');
  expect(task.note).toContain('40037');
  expect(task.note).toContain('WECHAT_TEMPLATE_ID');
  expect(wechat.messages.filter((message) => message.openId === holder)).toEqual([]);
  expect(h.simulators.sms.filter((text) => text.phone === '13500135306')).toEqual([]);

  wechat.account.templateId = configured;
  await h.complete(task, 'fixed');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'wechat:sent']));
  expect(wechat.messages.filter((message) => message.openId === holder)).toHaveLength(1);
});
