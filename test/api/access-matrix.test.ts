import { openHumanTask } from '../../activities/human-tasks';
import { apiSuite, type CallerName } from '../support/api-server';
import { ACCOUNTS, TEST_API_KEY, TEST_PASSWORD } from '../support/accounts';
import { sessionCaller } from '../support/http';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// Every endpoint × every kind of caller, each cell asserted: the status, and for a refused request
// (401 or 403) that nothing in the database or the licence's workflow changed.
const suite = apiSuite();

const CALLERS: CallerName[] = ['anonymous', 'system', 'specialistB', 'specialistA', 'supervisor', 'admin'];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const WH01 = encodeURIComponent('weihai:WH01');
const WH02 = encodeURIComponent('weihai:WH02');
let licenceId: string;
let taskId: string;
// Learnt from the rows that create them; the coverage check reads the paths before they exist.
let newUserId = UNKNOWN;
let newKeyId = UNKNOWN;

/** Expected status per caller, in the order of {@link CALLERS}. */
type Statuses = [anonymous: number, system: number, specialistB: number, specialistA: number, supervisor: number, admin: number];

interface Cell {
  method: string;
  path: () => string;
  body?: () => unknown;
  headers?: Record<string, string>;
  expect: Statuses;
  /** Runs after the row, to learn ids the next rows need. */
  after?: (answers: Map<CallerName, { status: number; body: unknown }>) => unknown;
}

// A weihai licence that the system registers in the first row (and the administrator again, idempotently).
const newLicence = {
  bureau: 'weihai',
  licenceNumber: '鲁威药经2023777',
  licenceType: 'WH01',
  holder: { name: '威海仁和堂药店' },
  contact: { name: '刘洋', phone: '13700137000' },
  issuedOn: '2022-06-30',
  expiresOn: '2027-06-29',
};

const csv = 'text/csv';
const ROWS: Cell[] = [
  // Public.
  { method: 'GET', path: () => '/healthz', expect: [200, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/openapi.json', expect: [200, 200, 200, 200, 200, 200] },
  // Aggregate counts for Prometheus, no personal data: scraped without credentials.
  { method: 'GET', path: () => '/metrics', expect: [200, 200, 200, 200, 200, 200] },
  // The SMS provider proves itself with the receipt token, whoever else it carries.
  { method: 'POST', path: () => '/api/v1/sms-receipts/aliyun?token=wrong', body: () => [{ biz_id: 'x' }], expect: [401, 401, 401, 401, 401, 401] },
  { method: 'POST', path: () => '/api/v1/sms-replies/tencent?token=wrong', body: () => ({ mobile: '13800138000', text: '已办理', time: 1 }), expect: [401, 401, 401, 401, 401, 401] },
  // The working-day calendar: read by the bureau, set by its supervisors.
  { method: 'GET', path: () => '/api/v1/bureaus/weihai/calendar?year=2026', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-02-30', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  { method: 'DELETE', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-01-01', expect: [401, 403, 403, 403, 404, 404] },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/send-window', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  { method: 'GET', path: () => '/api/v1/national-schedule', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/national-schedule/2026', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'PUT', path: () => '/api/v1/national-schedule/2027', body: () => ({}), expect: [401, 403, 403, 403, 403, 400] },
  // Reminder wording: read by the bureau, set by its supervisors.
  { method: 'GET', path: () => '/api/v1/bureaus/weihai/message-templates', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/message-templates/sms', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  { method: 'DELETE', path: () => '/api/v1/bureaus/weihai/message-templates/letter?licenceType=WH01', expect: [401, 403, 403, 403, 404, 404] },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/guidance', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  // The SMS signature must match the provider's approval: the administrator's.
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/sms-sign-name', body: () => ({ signName: '威海审批' }), expect: [401, 403, 403, 403, 403, 200] },
  // Batch notices (集中提醒) are public, with people masked; supervisors publish and schedule them.
  { method: 'GET', path: () => '/api/v1/bureaus/weihai/batch-notices', expect: [200, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/bureaus/weihai/batch-notices/feed.xml', expect: [200, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/notices/weihai', expect: [200, 200, 200, 200, 200, 200] },
  {
    method: 'POST',
    path: () => '/api/v1/bureaus/weihai/batch-notices',
    expect: [401, 403, 403, 403, 202, 202],
    // Publishing runs on after the answer: the rows below see it finished.
    after: () => eventually(async () => expect(await suite.h.database.prisma.batchNotice.count({ where: { deliveredAt: { not: null } } })).toBe(1)),
  },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/batch-notices/schedule', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  // Letters name the holder: anyone of the bureau but the public; a specialist only of the owning department.
  { method: 'GET', path: () => `/api/v1/letters/${UNKNOWN}`, expect: [401, 404, 404, 404, 404, 404] },
  { method: 'GET', path: () => `/api/v1/letters/${UNKNOWN}/pdf`, expect: [401, 404, 404, 404, 404, 404] },
  { method: 'POST', path: () => '/api/v1/session', body: () => ({ username: 'wangfang', password: 'not the password' }), expect: [401, 401, 401, 401, 401, 401] },
  // Licences and their lifecycle: approval systems and the administrator.
  { method: 'POST', path: () => '/api/v1/licences', body: () => newLicence, expect: [401, 201, 403, 403, 403, 200] },
  { method: 'GET', path: () => '/api/v1/licences?bureau=weihai', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/api/v1/licences/${licenceId}`, expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/api/v1/licences/${licenceId}/history`, expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/api/v1/licences/${licenceId}/status`, expect: [401, 200, 200, 200, 200, 200] },
  { method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-application`, body: () => ({}), expect: [401, 400, 403, 403, 403, 400] },
  { method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-decision`, body: () => ({}), expect: [401, 400, 403, 403, 403, 400] },
  { method: 'POST', path: () => `/api/v1/licences/${licenceId}/revocation`, body: () => ({}), expect: [401, 400, 403, 403, 403, 400] },
  { method: 'PATCH', path: () => `/api/v1/licences/${licenceId}`, body: () => ({ expiresOn: 'soon' }), expect: [401, 400, 403, 403, 403, 400] },
  {
    method: 'POST',
    path: () => `/api/v1/licences/${licenceId}/assistance-requests`,
    body: () => ({ kind: 'appointment', requestId: 'WX-1', preferredTime: '3月5日上午' }),
    expect: [401, 201, 403, 403, 403, 200],
  },
  // Tasks: specialists of the owning department work them, supervisors assign them.
  { method: 'GET', path: () => '/api/v1/tasks', expect: [401, 403, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/tasks?department=市场准入二科', expect: [401, 403, 403, 200, 200, 200] },
  // A lone call has no holder's letter: past access control, the answer is 409.
  { method: 'GET', path: () => `/api/v1/tasks/${taskId}/bundle-letter`, expect: [401, 403, 403, 409, 409, 409] },
  { method: 'POST', path: () => `/api/v1/tasks/${taskId}/claim`, expect: [401, 403, 403, 200, 403, 403] },
  { method: 'POST', path: () => `/api/v1/tasks/${taskId}/release`, expect: [401, 403, 403, 200, 403, 403] },
  { method: 'POST', path: () => `/api/v1/tasks/${taskId}/assign`, body: () => ({ username: 'liqiang' }), expect: [401, 403, 403, 403, 200, 403] },
  // Assigned to 李强: 王芳 passes access control and meets the claim (409).
  { method: 'POST', path: () => `/api/v1/tasks/${taskId}/complete`, body: () => ({ outcome: 'reached' }), expect: [401, 403, 403, 409, 403, 403] },
  // Ledger: the bureau's systems and supervisors.
  // A specialist reads their own department's ledger and to-remind list, and no other's.
  { method: 'GET', path: () => '/api/v1/ledger', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/ledger?format=xlsx', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/api/v1/ledger?department=${encodeURIComponent('市场准入二科')}`, expect: [401, 200, 403, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/ledger/window-open?bureau=weihai', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/api/v1/ledger/window-open?bureau=weihai&department=${encodeURIComponent('市场准入二科')}&format=xlsx`, expect: [401, 200, 403, 200, 200, 200] },
  // Catalogue: everyone reads their bureau's; supervisors edit guidance; the administrator manages it.
  { method: 'GET', path: () => '/api/v1/catalogue?bureau=weihai', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/catalogue?bureau=luliang', expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => `/api/v1/catalogue/${WH01}`, expect: [401, 200, 200, 200, 200, 200] },
  { method: 'PATCH', path: () => `/api/v1/catalogue/${WH02}`, body: () => ({ officeAddress: '威海市行政审批服务局' }), expect: [401, 403, 403, 403, 200, 200] },
  {
    method: 'POST',
    path: () => '/api/v1/catalogue',
    body: () => ({ bureau: 'weihai', code: 'WH90', departmentName: '经管一科', approvalItem: '测试事项', licenceName: '测试许可证', validityText: '3年', regulatorIds: ['weihai:market-supervision'] }),
    expect: [401, 403, 403, 403, 403, 201],
  },
  { method: 'POST', path: () => `/api/v1/catalogue/${encodeURIComponent('weihai:WH90')}/retire`, body: () => ({ reason: '测试' }), expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => `/api/v1/catalogue/replans/${UNKNOWN}`, expect: [401, 403, 403, 403, 404, 404] },
  // Periodic inspection (定期督促检查): supervisors run, follow up and schedule it.
  { method: 'GET', path: () => '/api/v1/inspection-runs?bureau=weihai', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'POST', path: () => '/api/v1/inspection-runs', body: () => ({ bureau: 'weihai' }), expect: [401, 403, 403, 403, 201, 201] },
  { method: 'GET', path: () => `/api/v1/inspection-runs/${UNKNOWN}`, expect: [401, 403, 403, 403, 404, 404] },
  { method: 'POST', path: () => `/api/v1/inspection-runs/${UNKNOWN}/follow-ups`, body: () => ({ department: '市场准入二科', status: 'resolved', note: '已整改' }), expect: [401, 403, 403, 403, 404, 404] },
  { method: 'PUT', path: () => '/api/v1/bureaus/weihai/inspection-schedule', body: () => ({}), expect: [401, 403, 403, 403, 400, 400] },
  // Regulators: the bureau's systems and supervisors read them (endpoints, key references); the administrator manages them.
  { method: 'GET', path: () => '/api/v1/regulators?bureau=weihai', expect: [401, 200, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/api/v1/regulators?bureau=luliang', expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => `/api/v1/regulators/${encodeURIComponent('weihai:market-supervision')}`, expect: [401, 200, 403, 403, 200, 200] },
  { method: 'POST', path: () => '/api/v1/regulators', body: () => ({ bureau: 'weihai', code: 'matrix-test', name: '测试监管局' }), expect: [401, 403, 403, 403, 403, 201] },
  { method: 'PATCH', path: () => `/api/v1/regulators/${encodeURIComponent('weihai:matrix-test')}`, body: () => ({ name: '测试监管局（改）' }), expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => '/api/v1/departments?bureau=weihai', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'PATCH', path: () => `/api/v1/departments/${encodeURIComponent('weihai:投资一科')}`, body: () => ({ ladder: [] }), expect: [401, 403, 403, 403, 403, 400] },
  // Imports: systems and the administrator.
  { method: 'POST', path: () => '/api/v1/imports?bureau=weihai&fileName=empty.csv', body: () => '', headers: { 'content-type': csv }, expect: [401, 400, 403, 403, 403, 400] },
  { method: 'GET', path: () => `/api/v1/imports/${UNKNOWN}`, expect: [401, 404, 403, 403, 403, 404] },
  // Supervision.
  { method: 'GET', path: () => '/api/v1/dashboard?bureau=weihai', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/api/v1/inspection-report?bureau=weihai', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/api/v1/inspection-report?bureau=weihai&format=xlsx', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/api/v1/outcome-figures?bureau=weihai', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/api/v1/outcome-figures?bureau=weihai&from=2026-01&to=2026-12&format=xlsx', expect: [401, 403, 403, 403, 200, 200] },
  // Alerts are the supervisors' to list and acknowledge.
  { method: 'GET', path: () => '/api/v1/alerts?bureau=weihai', expect: [401, 403, 403, 403, 200, 200] },
  { method: 'POST', path: () => `/api/v1/alerts/${UNKNOWN}/acknowledgement`, expect: [401, 403, 403, 403, 404, 404] },
  // Accounts and keys: the administrator.
  { method: 'GET', path: () => '/api/v1/session', expect: [401, 200, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/api/v1/users', expect: [401, 403, 403, 403, 403, 200] },
  {
    method: 'POST',
    path: () => '/api/v1/users',
    body: () => ({ username: 'zhouxin', displayName: '周鑫', password: 'a-long-enough-password', role: 'specialist', departmentId: 'weihai:经管一科' }),
    expect: [401, 403, 403, 403, 403, 201],
    after: (answers) => (newUserId = (answers.get('admin')!.body as { id: string }).id),
  },
  { method: 'PATCH', path: () => `/api/v1/users/${newUserId}`, body: () => ({ disabled: true }), expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => '/api/v1/api-keys', expect: [401, 403, 403, 403, 403, 200] },
  {
    method: 'POST',
    path: () => '/api/v1/api-keys',
    body: () => ({ name: '电子证照库', bureauCode: 'weihai' }),
    expect: [401, 403, 403, 403, 403, 201],
    after: (answers) => (newKeyId = (answers.get('admin')!.body as { id: string }).id),
  },
  { method: 'POST', path: () => `/api/v1/api-keys/${newKeyId}/rotate`, expect: [401, 403, 403, 403, 403, 200] },
  { method: 'POST', path: () => `/api/v1/api-keys/${newKeyId}/revoke`, expect: [401, 403, 403, 403, 403, 200] },
  { method: 'GET', path: () => '/api/v1/audit', expect: [401, 403, 403, 403, 403, 200] },
  // The pages: a person's session only; a visitor (or a key) is sent to the login page.
  { method: 'GET', path: () => '/inbox', expect: [303, 303, 200, 200, 403, 403] },
  { method: 'GET', path: () => `/tasks/${taskId}`, expect: [303, 303, 403, 200, 403, 403] },
  { method: 'POST', path: () => `/tasks/${taskId}/claim`, expect: [401, 401, 403, 303, 403, 403] },
  { method: 'GET', path: () => `/licences/${licenceId}`, expect: [303, 303, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/dashboard', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/inspection', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/figures', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/alerts', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'POST', path: () => `/alerts/${UNKNOWN}/acknowledge`, expect: [401, 401, 403, 403, 404, 404] },
  { method: 'GET', path: () => '/catalogue', expect: [303, 303, 200, 200, 200, 200] },
  { method: 'GET', path: () => `/catalogue/${WH01}`, expect: [303, 303, 200, 200, 200, 200] },
  { method: 'POST', path: () => `/catalogue/${WH02}`, body: () => 'officeAddress=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 303, 303] },
  { method: 'GET', path: () => '/calendar', expect: [303, 303, 200, 200, 200, 200] },
  { method: 'GET', path: () => '/regulators', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'GET', path: () => '/inspection/runs', expect: [303, 303, 403, 403, 200, 200] },
  { method: 'POST', path: () => '/inspection/runs', body: () => 'bureau=weihai', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 303, 303] },
  { method: 'GET', path: () => `/inspection/runs/${UNKNOWN}`, expect: [303, 303, 403, 403, 404, 404] },
  { method: 'GET', path: () => `/regulators/${encodeURIComponent('weihai:market-supervision')}`, expect: [303, 303, 403, 403, 200, 200] },
  { method: 'POST', path: () => '/regulators', body: () => `bureau=weihai&code=page-test&name=${encodeURIComponent('页面测试局')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 403, 303] },
  { method: 'POST', path: () => `/regulators/${encodeURIComponent('weihai:page-test')}`, body: () => `name=${encodeURIComponent('页面测试局二')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 403, 303] },
  { method: 'POST', path: () => `/catalogue/${WH02}/regulators`, body: () => 'role%3Aweihai%3Amarket-supervision=competent', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 403, 303] },
  { method: 'GET', path: () => '/licences?holder=x', expect: [303, 303, 200, 200, 200, 200] },
  {
    method: 'POST',
    path: () => `/licences/${licenceId}/contact`,
    body: () => `name=${encodeURIComponent('刘洋')}&phone=13700137000`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    expect: [401, 401, 403, 303, 303, 403],
  },
  { method: 'POST', path: () => '/calendar/overrides', body: () => 'bureau=weihai&date=2030-05-06&kind=day_off&name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 303, 303] },
  { method: 'POST', path: () => '/calendar/national', body: () => 'year=2030&source=x&format=csv&content=date%2Ckind%2Cname%0A2030-01-01%2Cday_off%2Cx', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 403, 303] },
  { method: 'GET', path: () => '/admin', expect: [303, 303, 403, 403, 403, 200] },
  { method: 'POST', path: () => '/admin/api-keys', body: () => 'name=x&bureauCode=weihai', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: [401, 401, 403, 403, 403, 200] },
  // Last, since it ends the sessions the rows above used.
  { method: 'DELETE', path: () => '/api/v1/session', expect: [401, 403, 204, 204, 204, 204] },
];

/** Everything a refused request could have changed: every table of the read model, and the workflow's state. */
async function snapshot() {
  const prisma = suite.h.database.prisma;
  const [licences, tasks, ledger, catalogue, changes, departments, users, keys, imports, replans, renewals, letters, bureaus, calendar, sms, templates, notices] = await Promise.all([
    prisma.licence.findMany({ orderBy: { id: 'asc' } }),
    prisma.humanTask.findMany({ orderBy: { id: 'asc' } }),
    prisma.ledgerEntry.findMany({ orderBy: { id: 'asc' } }),
    prisma.catalogueEntry.findMany({ orderBy: { id: 'asc' } }),
    prisma.catalogueChange.findMany({ orderBy: { id: 'asc' } }),
    prisma.department.findMany({ orderBy: { id: 'asc' } }),
    prisma.user.findMany({ orderBy: { id: 'asc' } }),
    // A key's last use is bookkeeping of a successful authentication, not a change a request made.
    prisma.apiKey.findMany({ orderBy: { id: 'asc' }, omit: { lastUsedAt: true } }),
    prisma.importJob.findMany({ orderBy: { id: 'asc' } }),
    prisma.replanJob.findMany({ orderBy: { id: 'asc' } }),
    prisma.renewalApplication.findMany({ orderBy: { id: 'asc' } }),
    prisma.letter.findMany({ orderBy: { id: 'asc' } }),
    prisma.bureau.findMany({ orderBy: { code: 'asc' } }),
    prisma.calendarOverride.findMany({ orderBy: [{ bureauCode: 'asc' }, { date: 'asc' }] }),
    prisma.smsMessage.findMany({ orderBy: { messageId: 'asc' } }),
    prisma.messageTemplate.findMany({ orderBy: { id: 'asc' } }),
    prisma.batchNotice.findMany({ orderBy: { id: 'asc' } }),
  ]);
  const workflow = await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023666' });
  return { licences, tasks, ledger, catalogue, changes, departments, users, keys, imports, replans, renewals, letters, bureaus, calendar, sms, templates, notices, workflow };
}

beforeAll(async () => {
  const registered = await suite.api.call('POST', '/api/v1/licences', { ...newLicence, licenceNumber: '鲁威药经2023666', expiresOn: '2027-06-29' });
  expect(registered.status).toBe(201);
  licenceId = registered.body.id;
  // A phone task for 市场准入二科, opened as the workflow's activity opens it.
  taskId = await openHumanTask(suite.h.database.prisma, {
    licenceId,
    idempotencyKey: 'licence/weihai/鲁威药经2023666/phone_call#1',
    kind: 'phone_call',
    attempt: 1,
    dueAt: '2027-04-01T15:59:59.999Z',
  });
});

it('covers every documented operation', async () => {
  const { body } = await suite.api.call('GET', '/openapi.json');
  const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const template = (path: string) =>
    path
      .split('?')[0]!
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')
      .replace(/weihai%3A[^/]+/g, '{id}')
      .replace(/\/bureaus\/[^/]+/, '/bureaus/{bureau}')
      .replace(/\/overrides\/[^/]+/, '/overrides/{date}')
      .replace(/\/message-templates\/[^/]+/, '/message-templates/{channel}')
      .replace(/\/sms-(receipts|replies)\/[^/]+/, '/sms-$1/{provider}')
      .replace(/\/national-schedule\/\d{4}$/, '/national-schedule/{year}');
  licenceId ??= UNKNOWN;
  const covered = new Set(ROWS.map((row) => `${row.method} ${template(row.path())}`.replace('/replans/{id}', '/replans/{jobId}')));
  expect(documented.filter((operation) => !covered.has(operation))).toEqual([]);
});

it.each(ROWS.map((row) => [`${row.method} ${row.path.toString().replace(/^\(\) => /, '')}`, row] as const))('%s', async (_name, row) => {
  const answers = new Map<CallerName, { status: number; body: unknown }>();
  const statuses: number[] = [];
  for (const [index, who] of CALLERS.entries()) {
    const refused = row.expect[index] === 401 || row.expect[index] === 403;
    const before = refused ? await snapshot() : undefined;
    const caller = await suite.api.as(who);
    const answer = await caller.call(row.method, row.path(), row.body?.(), row.headers);
    answers.set(who, answer);
    statuses.push(answer.status);
    if (before) expect({ who, after: await snapshot() }).toEqual({ who, after: before });
  }
  expect(Object.fromEntries(CALLERS.map((who, index) => [who, statuses[index]]))).toEqual(Object.fromEntries(CALLERS.map((who, index) => [who, row.expect[index]])));
  await row.after?.(answers);
});

it('writes an audit entry with its actor for each mutation that went through, and none for refused ones', async () => {
  await eventually(async () => {
    const entries = await suite.h.database.prisma.auditEntry.findMany({ orderBy: { at: 'asc' } });
    const told = entries.map((entry) => `${entry.actorName} ${entry.method} ${entry.path} ${entry.status}`);
    expect(told).toEqual(
      expect.arrayContaining([
        `wangfang POST /api/v1/tasks/${taskId}/claim 200`,
        `wangfang POST /api/v1/tasks/${taskId}/release 200`,
        `chenjing POST /api/v1/tasks/${taskId}/assign 200`,
        'api-key:test weihai system POST /api/v1/licences 201',
        'root-admin POST /api/v1/users 201',
      ]),
    );
    expect(entries.filter((entry) => entry.status >= 400)).toEqual([]);
    // The specialist of the other department was refused everything but logging in and out.
    expect(new Set(entries.filter((entry) => entry.actorName === 'zhaolei').map((entry) => entry.path))).toEqual(new Set(['/api/v1/session']));
  });
});

it('shows contact details in full to the owning department, supervisors and the registering system; masked elsewhere', async () => {
  const phones: Record<string, string> = {};
  for (const who of ['system', 'specialistA', 'specialistB', 'supervisor', 'admin'] as const) {
    // The matrix logged everyone out last; a fresh session per person.
    const caller = who === 'system' ? await suite.api.as('system') : await sessionCaller(suite.api.url, ACCOUNTS[who].username, TEST_PASSWORD);
    const { body } = await caller.call('GET', `/api/v1/licences/${licenceId}`);
    phones[who] = `${body.contact.name} ${body.contact.phone}`;
  }
  expect(phones).toEqual({
    system: '刘洋 13700137000',
    specialistA: '刘洋 13700137000',
    specialistB: '刘* 137****7000',
    supervisor: '刘洋 13700137000',
    admin: '刘* 137****7000',
  });
});

it('refuses a session mutation without its CSRF token, and a revoked or rotated-away key', async () => {
  const specialist = await sessionCaller(suite.api.url, ACCOUNTS.specialistA2.username, TEST_PASSWORD);
  const before = await snapshot();
  const forged = await specialist.call('POST', `/api/v1/tasks/${taskId}/release`, undefined, { 'x-csrf-token': 'forged' });
  expect(forged.status).toBe(403);
  expect(forged.body.error.code).toBe('csrf_token_invalid');
  expect(await snapshot()).toEqual(before);

  const admin = await sessionCaller(suite.api.url, ACCOUNTS.admin.username, TEST_PASSWORD);
  const issued = await admin.call('POST', '/api/v1/api-keys', { name: '审批系统', bureauCode: 'weihai' });
  const asKey = (secret: string) => fetch(`${suite.api.url}/api/v1/session`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
  // Used first, so that the API keeps its principal: rotating and revoking must still take effect at once.
  expect(await asKey(issued.body.secret)).toBe(200);
  const rotated = await admin.call('POST', `/api/v1/api-keys/${issued.body.id}/rotate`);
  expect(await asKey(issued.body.secret)).toBe(401);
  expect(await asKey(rotated.body.secret)).toBe(200);
  await admin.call('POST', `/api/v1/api-keys/${issued.body.id}/revoke`);
  expect(await asKey(rotated.body.secret)).toBe(401);
  expect(await asKey(TEST_API_KEY)).toBe(200);
  const listed = await admin.call('GET', '/api/v1/api-keys');
  expect(JSON.stringify(listed.body)).not.toContain(rotated.body.secret);
});
