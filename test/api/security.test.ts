import ExcelJS from 'exceljs';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createUser } from '../../services/access/credentials';
import { ACCOUNTS, TEST_PASSWORD } from '../support/accounts';
import { anonymousCaller, sessionCaller, type Caller } from '../support/http';
import { weihaiDrugLicence } from '../support/licence-bodies';
import { startTestSystem, type TestSystem } from '../support/system';
import { quietTemporalLogs } from '../support/temporal';
import { fiveYearLicenceDates } from '../support/wall-clock';

quietTemporalLogs();

// The findings of an adversarial review, each asked of the engine as `npm start` runs it: embedded
// defaults, simulators on, one system for the whole file.
const IMPORT_LIMIT_BYTES = 1024 * 1024;
const SHARED_STRINGS_LIMIT_BYTES = 64 * 1024;
let system: TestSystem;
let anonymous: Caller;
const { issuedOn, expiresOn } = fiveYearLicenceDates();
const dates = { issuedOn, expiresOn };

beforeAll(async () => {
  system = await startTestSystem({ env: { IMPORT_MAX_BYTES: String(IMPORT_LIMIT_BYTES), IMPORT_MAX_SHARED_STRINGS_BYTES: String(SHARED_STRINGS_LIMIT_BYTES) } });
  // The bootstrap key is the test key already; the people come on top.
  for (const account of Object.values(ACCOUNTS)) await createUser(system.database.prisma, { ...account, password: TEST_PASSWORD });
  anonymous = anonymousCaller(system.apiUrl!);
});

afterAll(async () => {
  await system?.stop();
});

const receipt = [{ phone_number: '13800138000', success: true, err_code: 'DELIVERED', biz_id: 'forged-receipt', out_id: 'x' }];

describe('SMS receipts', () => {
  it('refuses the public development token: each install has its own, kept in its data folder', async () => {
    expect((await anonymous.call('POST', '/api/v1/sms-receipts/aliyun?token=local-sms-receipt-secret', receipt)).status).toBe(401);
    const file = path.join(system.dataDir, 'sms-receipt-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secret = fs.readFileSync(file, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect((await anonymous.call('POST', `/api/v1/sms-receipts/aliyun?token=${encodeURIComponent(secret)}`, receipt)).status).toBe(200);
    // Holders' replies come in under the same secret, and only under it.
    const reply = { mobile: '13800138000', nationcode: '86', sign: '威海审批', text: '已办理', time: 1_800_000_000 };
    expect((await anonymous.call('POST', '/api/v1/sms-replies/tencent?token=local-sms-receipt-secret', reply)).status).toBe(401);
    expect((await anonymous.call('POST', `/api/v1/sms-replies/tencent?token=${encodeURIComponent(secret)}`, reply)).body).toMatchObject({ result: 0, matched: 0, unmatched: 1 });
  });
});

/** Starts an upload of `declaredBytes` but sends only its first chunk, and tells what the server answered meanwhile. */
function answerBeforeTheBody(pathAndQuery: string, headers: Record<string, string>, declaredBytes: number): Promise<number | 'no answer'> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathAndQuery, system.apiUrl);
    const request = http.request(url, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv', 'content-length': String(declaredBytes) } });
    const timer = setTimeout(() => {
      request.destroy();
      resolve('no answer');
    }, 5_000);
    request.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      request.destroy();
      resolve(response.statusCode!);
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.write(Buffer.alloc(64 * 1024, 'a'));
  });
}

describe('uploads', () => {
  it('answers an anonymous upload with 401 before reading its body', async () => {
    expect(await answerBeforeTheBody('/api/v1/imports?bureau=weihai&fileName=a.csv', {}, 100 * 1024 * 1024)).toBe(401);
  });

  it("answers an upload declared larger than the import limit with 413 before reading it, naming the limit", async () => {
    const answer = await answerBeforeTheBody('/api/v1/imports?bureau=weihai&fileName=a.csv', { authorization: `Bearer ${system.env.BOOTSTRAP_API_KEY}` }, IMPORT_LIMIT_BYTES + 1);
    expect(answer).toBe(413);
  });

  it('stops reading an upload that passes the limit without saying its length', async () => {
    const response = await fetch(`${system.apiUrl}/api/v1/imports?bureau=weihai&fileName=a.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.env.BOOTSTRAP_API_KEY}`, 'content-type': 'text/csv' },
      body: new ReadableStream({
        start(controller) {
          for (let chunk = 0; chunk < 20; chunk++) controller.enqueue(new Uint8Array(128 * 1024).fill(97));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'upload_too_large', fields: [{ path: 'body' }] });
  });

  it('refuses a workbook whose shared strings unzip past their limit, before reading it', async () => {
    // A few kilobytes zipped, about 300 KB of shared strings unzipped: a small zip bomb.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('证照');
    sheet.addRow(['证照编号', '证照名称', '证照持有单位（个人）', '联系人', '联系方式', '发证日期', '期满日期']);
    for (let row = 0; row < 3000; row++) sheet.addRow([`BOMB-${row}`, '药品经营许可证', `${'威'.repeat(30)}${row}`, '张敏', '13800138000', '2023-01-10', '2028-01-09']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(file.length).toBeLessThan(IMPORT_LIMIT_BYTES);
    const response = await fetch(`${system.apiUrl}/api/v1/imports?bureau=weihai&fileName=bomb.xlsx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.env.BOOTSTRAP_API_KEY}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: file,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'workbook_too_large', fields: [{ path: 'body', message: `its shared strings must unzip to at most ${SHARED_STRINGS_LIMIT_BYTES} bytes` }] });
    expect(await system.database.prisma.licence.count({ where: { licenceNumber: { startsWith: 'BOMB-' } } })).toBe(0);
  });
});

describe('the simulators', () => {
  it('answer loopback callers only: a request a proxy forwarded from elsewhere finds nothing', async () => {
    expect((await anonymous.call('GET', '/simulators/state')).status).toBe(200);
    expect((await anonymous.call('GET', '/simulators/state', undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404);
  });
});

describe('logging in', () => {
  it('never sends the browser off-site after login, whatever `next` says', async () => {
    for (const next of ['/\\evil.example', '//evil.example', '/\t/evil.example', 'https://evil.example/']) {
      const form = await fetch(`${system.apiUrl}/login?next=${encodeURIComponent(next)}`, { headers: { accept: 'text/html' } });
      const page = await form.text();
      const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      const cookie = form.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const login = await fetch(`${system.apiUrl}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
        body: new URLSearchParams({ _csrf: token, username: ACCOUNTS.supervisor.username, password: TEST_PASSWORD, next }).toString(),
        redirect: 'manual',
      });
      expect([next, login.status]).toEqual([next, 303]);
      const location = login.headers.get('location')!;
      expect([next, new URL(location, system.apiUrl).origin]).toEqual([next, system.apiUrl]);
      expect([next, /^\/(?![\\/])/.test(location) && !/[\\\t]/.test(location)]).toEqual([next, true]);
    }
  });
});

describe('personal data', () => {
  it("masks a holder's resident ID number and the phone numbers in task notes for specialists of other departments", async () => {
    const body = weihaiDrugLicence('鲁威药经2024901', '张伟', { name: '张伟', phone: '13912345678' }, { ...dates, holder: { name: '张伟', idNumber: '370602198001011234' } });
    const registered = await system.request('POST', '/api/v1/licences', body);
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    const owner = await sessionCaller(system.apiUrl!, ACCOUNTS.specialistA.username, TEST_PASSWORD);
    const other = await sessionCaller(system.apiUrl!, ACCOUNTS.specialistB.username, TEST_PASSWORD);
    expect((await owner.call('GET', `/api/v1/licences/${id}`)).body.holder.idNumber).toBe('370602198001011234');
    expect((await other.call('GET', `/api/v1/licences/${id}`)).body.holder).toEqual({ name: '张伟', idNumber: '370602********1234' });

    // A holder's request for help is a task whose note carries what they wrote.
    const asked = await system.request('POST', `/api/v1/licences/${id}/assistance-requests`, { kind: 'appointment', requestId: 'WX-1', note: '请回电 13912345678，身份证 370602198001011234' });
    expect(asked.status).toBeLessThan(300);
    const page = await otherPage(other, id);
    expect(page).not.toContain('13912345678');
    expect(page).not.toContain('370602198001011234');
  });
});

async function otherPage(caller: Caller, id: string): Promise<string> {
  const answer = await caller.call('GET', `/licences/${id}`, undefined, { accept: 'text/html' });
  return typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
}

describe('dates PostgreSQL cannot store', () => {
  it('refuses year 0000 with 400 naming the field, in registrations, renewal decisions and ledger bounds', async () => {
    const registration = await system.request('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2024902', '威海福康大药房', { name: '孙丽', phone: '13900139000' }, { issuedOn: '0000-01-01', expiresOn: dates.expiresOn }));
    expect(registration.status).toBe(400);
    expect(registration.body.error.fields).toEqual([expect.objectContaining({ path: 'issuedOn' })]);

    const ledger = await system.request('GET', '/api/v1/ledger?bureau=weihai&from=0000-01-01');
    expect(ledger.status).toBe(400);
    expect(ledger.body.error.fields).toEqual([expect.objectContaining({ path: 'query.from' })]);
    const csv = await system.request('GET', '/api/v1/ledger?bureau=weihai&from=0000-01-01&format=csv');
    expect(csv.status).toBe(400);
    expect(JSON.stringify(csv.body)).not.toMatch(/prisma|invalid value for/i);

    const licence = await system.request('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2024903', '威海福康大药房', { name: '孙丽', phone: '13900139000' }, dates));
    expect(licence.status).toBe(201);
    const decision = await system.request('POST', `/api/v1/licences/${licence.body.id}/renewal-decision`, {
      decision: 'approved',
      decidedOn: dates.issuedOn,
      newLicence: { licenceNumber: '鲁威药经2024904', issuedOn: '0000-01-01', expiresOn: dates.expiresOn },
    });
    expect(decision.status).toBe(400);
    expect(decision.body.error.fields).toEqual([expect.objectContaining({ path: 'newLicence.issuedOn' })]);
  });
});


describe('the catalogue', () => {
  it("records the caller in the audit trail, and leaves supervisors the renewal guidance only", async () => {
    const supervisor = await sessionCaller(system.apiUrl!, ACCOUNTS.supervisor.username, TEST_PASSWORD);
    const entry = `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`;
    const forged = await supervisor.call('PATCH', entry, { officeAddress: '威海市政务服务中心', changedBy: '局长' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.fields).toEqual([expect.objectContaining({ path: 'changedBy' })]);
    const lead = await supervisor.call('PATCH', entry, { graceDays: 10, reminderLeadMonths: 6 });
    expect(lead.status).toBe(403);
    expect(lead.body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(['graceDays', 'reminderLeadMonths']);
    expect((await supervisor.call('PATCH', entry, { officeAddress: '威海市政务服务中心' })).status).toBe(200);
    const { body } = await supervisor.call('GET', entry);
    expect(body.changes.at(-1)).toMatchObject({ changedBy: `${ACCOUNTS.supervisor.displayName}（${ACCOUNTS.supervisor.username}）`, after: { officeAddress: '威海市政务服务中心' } });
  });
});

describe('answers and pages', () => {
  it('lists at most 50 problems of a body with 75,000 unknown keys', async () => {
    const body = Object.fromEntries(Array.from({ length: 75_000 }, (_, index) => [`k${index}`, 1]));
    const answer = await system.request('POST', '/api/v1/licences', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toHaveLength(50);
    expect(answer.body.error.fields.at(-1)).toEqual({ path: '(more)', message: expect.stringMatching(/^\d+ more problems not listed/) });
    expect(JSON.stringify(answer.body).length).toBeLessThan(20_000);
  });

  it('sends security headers with the pages, and shows no alert text a link from elsewhere chose', async () => {
    const page = await fetch(`${system.apiUrl}/login?problem=${encodeURIComponent('账号异常，请致电 400-000-0000')}&notice=${encodeURIComponent('请先转账')}`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const text = await page.text();
    expect(text).not.toContain('400-000-0000');
    expect(text).not.toContain('请先转账');
  });

  it("builds the feed's links from the configured public address, never from the Host header", async () => {
    const xml = await new Promise<string>((resolve, reject) => {
      const request = http.get(new URL('/api/v1/bureaus/weihai/batch-notices/feed.xml', system.apiUrl), { headers: { host: 'evil.example' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      });
      request.on('error', reject);
    });
    expect(xml).toContain('<link>');
    expect(xml).not.toContain('evil.example');
    expect(xml).toContain(system.apiUrl);
  });
});

describe('input hygiene', () => {
  const licence = (number: string, overrides: Record<string, unknown> = {}) => ({ ...weihaiDrugLicence(number, '威海仁和大药房', { name: '孙丽', phone: '13900139000' }, dates), ...overrides });

  it('refuses a body that is not UTF-8 instead of storing U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from(JSON.stringify(licence('鲁威药经2024911')).slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', 'latin1')]);
    const response = await fetch(`${system.apiUrl}/api/v1/licences`, { method: 'POST', headers: { authorization: `Bearer ${system.env.BOOTSTRAP_API_KEY}`, 'content-type': 'application/json' }, body: bytes });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_utf8', fields: [{ path: 'body' }] });
  });

  it('refuses text-direction overrides in names and control characters in every free text', async () => {
    const reversed = await system.request('POST', '/api/v1/licences', licence('鲁威药经2024912', { holder: { name: '威海\u202e房药大' } }));
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.fields).toEqual([expect.objectContaining({ path: 'holder.name', message: expect.stringContaining('text-direction') })]);
    const registered = await system.request('POST', '/api/v1/licences', licence('鲁威药经2024913'));
    expect(registered.status).toBe(201);
    const bell = await system.request('POST', `/api/v1/licences/${registered.body.id}/assistance-requests`, { kind: 'appointment', requestId: 'WX-2', note: '请回电\u0007', preferredTime: '上午\u0007' });
    expect(bell.status).toBe(400);
    expect(bell.body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(['note', 'preferredTime']);
  });

  it('takes a licence number in full-width digits for the same number', async () => {
    const first = await system.request('POST', '/api/v1/licences', licence('REV-HG-123'));
    expect(first.status).toBe(201);
    const again = await system.request('POST', '/api/v1/licences', licence('REV-HG-１２３'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id });
    expect(await system.database.prisma.licence.findMany({ where: { licenceNumber: { startsWith: 'REV-HG-' } }, select: { licenceNumber: true } })).toEqual([{ licenceNumber: 'REV-HG-123' }]);
  });
});

describe('passwords', () => {
  it('refuses a password that is long but easy to guess, and says what to do', async () => {
    const admin = await sessionCaller(system.apiUrl!, ACCOUNTS.admin.username, TEST_PASSWORD);
    const weak = await admin.call('POST', '/api/v1/users', { username: 'zhouxin', displayName: '周鑫', password: 'aaaaaaaaaa', role: 'supervisor', bureauCode: 'weihai' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields).toEqual([{ path: 'password', message: expect.stringMatching(/too easy to guess.*Repeated characters/) }]);
    expect((await admin.call('POST', '/api/v1/users', { username: 'zhouxin', displayName: '周鑫', password: 'tidal lantern copper meadow', role: 'supervisor', bureauCode: 'weihai' })).status).toBe(201);
  });
});
