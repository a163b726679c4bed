import { TEST_API_KEY } from '../support/accounts';
import { apiSuite, type CallerName } from '../support/api-server';
import { databaseSnapshot } from '../support/database-snapshot';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// A corpus of malformed requests across the API. Each must be refused with a 4xx that names the
// field at fault, and the database must come out of the whole corpus exactly as it went in.
const suite = apiSuite();

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let licenceId = UNKNOWN;
let before: Record<string, unknown[]>;

const VALID_LICENCE = {
  bureau: 'weihai',
  licenceNumber: '鲁威药经2024100',
  licenceType: 'WH01',
  holder: { name: '威海福康大药房', idNumber: '91371000MA3C8N2X4K' },
  contact: { name: '孙丽', phone: '13900139000', address: '威海市环翠区新威路1号' },
  issuedOn: '2024-06-01',
  expiresOn: '2029-05-31',
};

interface Case {
  /** What is wrong. */
  name: string;
  as: CallerName;
  method: string;
  path: () => string;
  /** A JSON body … */
  body?: unknown;
  /** … or raw bytes with their content type. */
  raw?: { body: string; contentType: string };
  status: number;
  /** The field the answer must name: `params.x`, `query.x`, a body path, `body` or `content-type`. */
  field: string;
}

/** A registration with one field replaced (`undefined` removes it); paths are dotted. */
function licenceWith(path: string, value: unknown): Record<string, unknown> {
  const body = structuredClone(VALID_LICENCE) as Record<string, unknown>;
  const keys = path.split('.');
  let target = body;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[keys.at(-1)!];
  else target[keys.at(-1)!] = value;
  return body;
}

const register = (name: string, path: string, value: unknown, field = path, status = 400): Case => ({
  name: `registration: ${name}`,
  as: 'system',
  method: 'POST',
  path: () => '/api/v1/licences',
  body: licenceWith(path, value),
  status,
  field,
});

const INJECTIONS = {
  sql: `x'; DROP TABLE "Licence"; --`,
  markup: '<script>alert(1)</script>',
  template: '${7*7}{{7*7}}',
  nul: 'a\u0000b',
  crlf: 'a\r\nSet-Cookie: admin=1',
};
// Free text (an address) may hold quotes and semicolons; names and numbers may not.
const REGISTRATION_TEXT_FIELDS: Array<[path: string, kind: 'identifier' | 'name' | 'reference' | 'free']> = [
  ['bureau', 'identifier'],
  ['licenceNumber', 'identifier'],
  ['licenceType', 'reference'],
  ['holder.name', 'name'],
  ['contact.name', 'name'],
  ['contact.address', 'free'],
  ['parentLicenceNumber', 'identifier'],
];

const CASES: Case[] = [
  // Impossible dates, and expiry before issue.
  register('February 30', 'issuedOn', '2027-02-30'),
  register('February 29 of a common year', 'expiresOn', '2027-02-29'),
  register('month 13', 'expiresOn', '2029-13-01'),
  register('April 31', 'expiresOn', '2029-04-31'),
  register('a date without leading zeros', 'issuedOn', '2024-6-1'),
  register('a date written day first', 'issuedOn', '01/06/2024'),
  register('a date as a number', 'issuedOn', 20240601),
  register('a date with a time', 'expiresOn', '2029-05-31T00:00:00Z'),
  register('expiry before issue', 'expiresOn', '2024-05-31'),
  register('expiry on the issue day', 'expiresOn', '2024-06-01'),
  register('a null expiry', 'expiresOn', null),
  register('an empty expiry', 'expiresOn', ''),
  register('no expiry', 'expiresOn', undefined),
  // Unknown bureaus and types.
  register('an unknown bureau', 'bureau', 'nowhere'),
  register('an unknown licence type', 'licenceType', 'WH99'),
  register("another bureau's licence type", 'licenceType', 'LL02'),
  register('an unknown licence name', 'licenceType', '驾驶证'),
  register('an unknown parent licence', 'parentLicenceNumber', '鲁威出租2020999'),
  // Malformed phones.
  register('a five-digit phone', 'contact.phone', '12345'),
  register('a ten-digit mobile', 'contact.phone', '1380013800'),
  register('a twelve-digit mobile', 'contact.phone', '138001380000'),
  register('a mobile starting 12', 'contact.phone', '12800138000'),
  register('a mobile with letters', 'contact.phone', '1380013800a'),
  register('full-width digits', 'contact.phone', '１３８００１３８０００'),
  register('a phone as a number', 'contact.phone', 13800138000),
  register('an empty phone', 'contact.phone', ''),
  register('a landline too short', 'contact.phone', '0631-520'),
  register('no phone', 'contact.phone', undefined),
  // Identity numbers and structure.
  register('an ID number of letters', 'holder.idNumber', 'ABC'),
  register('a 17-digit ID number', 'holder.idNumber', '37100219900101123'),
  register('a credit code with O', 'holder.idNumber', '91371000MA3C8N2O4K'),
  register('no holder', 'holder', undefined),
  register('the holder as a string', 'holder', '威海福康大药房'),
  register('no contact name', 'contact.name', undefined),
  register('an unknown field', 'colour', 'red'),
  register('an unknown holder field', 'holder.nickname', '福康'),
  register('an empty licence number', 'licenceNumber', '   '),
  register('a licence number of 65 characters', 'licenceNumber', 'A'.repeat(65)),
  register('a holder name of 201 characters', 'holder.name', '威'.repeat(201)),
  register('an address of 501 characters', 'contact.address', '路'.repeat(501)),
  { name: 'registration: an array body', as: 'system', method: 'POST', path: () => '/api/v1/licences', body: [VALID_LICENCE], status: 400, field: '(root)' },
  { name: 'registration: a string body', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: '"licence"', contentType: 'application/json' }, status: 400, field: 'body' },
  { name: 'registration: a null body', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: 'null', contentType: 'application/json' }, status: 400, field: 'body' },
  // Bodies that are not JSON, or too big.
  { name: 'registration: truncated JSON', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: '{"bureau":"weihai",', contentType: 'application/json' }, status: 400, field: 'body' },
  { name: 'registration: as text/plain', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: JSON.stringify(VALID_LICENCE), contentType: 'text/plain' }, status: 415, field: 'content-type' },
  { name: 'registration: as a form', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: 'bureau=weihai', contentType: 'application/x-www-form-urlencoded' }, status: 415, field: 'content-type' },
  { name: 'registration: as XML', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: '<licence/>', contentType: 'application/xml' }, status: 415, field: 'content-type' },
  { name: 'registration: in Latin-1', as: 'system', method: 'POST', path: () => '/api/v1/licences', raw: { body: JSON.stringify(VALID_LICENCE), contentType: 'application/json; charset=iso-8859-1' }, status: 415, field: 'body' },
  {
    name: 'registration: a 2 MB body',
    as: 'system',
    method: 'POST',
    path: () => '/api/v1/licences',
    raw: { body: JSON.stringify({ ...VALID_LICENCE, contact: { ...VALID_LICENCE.contact, address: '路'.repeat(700_000) } }), contentType: 'application/json' },
    status: 413,
    field: 'body',
  },
  // Injection strings in every text field of the registration.
  ...REGISTRATION_TEXT_FIELDS.flatMap(([path, kind]) =>
    Object.entries(INJECTIONS)
      .filter(([injection]) => !(kind === 'free' && injection === 'sql'))
      .map(([injection, value]) =>
        register(`${injection} in ${path}`, path, value),
      ),
  ),

  // The licence's lifecycle.
  { name: 'licence: an id that is not a UUID', as: 'system', method: 'GET', path: () => '/api/v1/licences/1%20OR%201=1', status: 400, field: 'params.id' },
  { name: 'licence history: an id that is not a UUID', as: 'system', method: 'GET', path: () => "/api/v1/licences/'/history", status: 400, field: 'params.id' },
  { name: 'application: February 30', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-application`, body: { applicationNumber: 'SQ2027-1', appliedOn: '2027-02-30' }, status: 400, field: 'appliedOn' },
  { name: 'application: SQL in the number', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-application`, body: { applicationNumber: INJECTIONS.sql, appliedOn: '2027-02-01' }, status: 400, field: 'applicationNumber' },
  { name: 'application: no number', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-application`, body: { appliedOn: '2027-02-01' }, status: 400, field: 'applicationNumber' },
  { name: 'decision: an unknown decision', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-decision`, body: { decision: 'maybe', decidedOn: '2027-02-01' }, status: 400, field: 'decision' },
  { name: 'decision: approved without the new licence', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/renewal-decision`, body: { decision: 'approved', decidedOn: '2027-02-01' }, status: 400, field: 'newLicence' },
  {
    name: 'decision: the new licence expires before its issue',
    as: 'system',
    method: 'POST',
    path: () => `/api/v1/licences/${licenceId}/renewal-decision`,
    body: { decision: 'approved', decidedOn: '2027-02-01', newLicence: { licenceNumber: '鲁威药经2029100', issuedOn: '2029-06-01', expiresOn: '2029-05-31' } },
    status: 400,
    field: 'newLicence.expiresOn',
  },
  {
    name: 'decision: markup in the new licence number',
    as: 'system',
    method: 'POST',
    path: () => `/api/v1/licences/${licenceId}/renewal-decision`,
    body: { decision: 'approved', decidedOn: '2027-02-01', newLicence: { licenceNumber: INJECTIONS.markup, issuedOn: '2029-06-01', expiresOn: '2034-05-31' } },
    status: 400,
    field: 'newLicence.licenceNumber',
  },
  { name: 'revocation: February 30', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/revocation`, body: { reason: '企业申请注销', revokedOn: '2027-02-30' }, status: 400, field: 'revokedOn' },
  { name: 'revocation: markup in the reason', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/revocation`, body: { reason: INJECTIONS.markup, revokedOn: '2027-02-01' }, status: 400, field: 'reason' },
  { name: 'revocation: a NUL in the reason', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/revocation`, body: { reason: INJECTIONS.nul, revokedOn: '2027-02-01' }, status: 400, field: 'reason' },
  { name: 'correction: February 30', as: 'system', method: 'PATCH', path: () => `/api/v1/licences/${licenceId}`, body: { expiresOn: '2029-02-30' }, status: 400, field: 'expiresOn' },
  { name: 'correction: a malformed phone', as: 'system', method: 'PATCH', path: () => `/api/v1/licences/${licenceId}`, body: { contact: { name: '孙丽', phone: '139-0013' } }, status: 400, field: 'contact.phone' },
  { name: 'correction: SQL in the contact name', as: 'system', method: 'PATCH', path: () => `/api/v1/licences/${licenceId}`, body: { contact: { name: INJECTIONS.sql, phone: '13900139000' } }, status: 400, field: 'contact.name' },
  { name: 'correction: nothing to correct', as: 'system', method: 'PATCH', path: () => `/api/v1/licences/${licenceId}`, body: {}, status: 400, field: '(root)' },
  { name: 'assistance: an unknown kind', as: 'system', method: 'POST', path: () => `/api/v1/licences/${licenceId}/assistance-requests`, body: { kind: 'bribe', requestId: 'WX-9' }, status: 400, field: 'kind' },

  // Tasks.
  { name: 'tasks: an unknown status', as: 'supervisor', method: 'GET', path: () => '/api/v1/tasks?status=lost', status: 400, field: 'query.status' },
  { name: 'tasks: overdue=maybe', as: 'supervisor', method: 'GET', path: () => '/api/v1/tasks?overdue=maybe', status: 400, field: 'query.overdue' },
  { name: 'tasks: an unknown filter', as: 'supervisor', method: 'GET', path: () => '/api/v1/tasks?where=1%3D1', status: 400, field: 'query.where' },
  { name: 'task: an id that is not a UUID', as: 'specialistA', method: 'POST', path: () => '/api/v1/tasks/1;DROP/claim', status: 400, field: 'params.id' },
  { name: 'task: release with a bad id', as: 'specialistA', method: 'POST', path: () => '/api/v1/tasks/abc/release', status: 400, field: 'params.id' },
  { name: 'task: SQL as the assignee', as: 'supervisor', method: 'POST', path: () => `/api/v1/tasks/${UNKNOWN}/assign`, body: { username: INJECTIONS.sql }, status: 400, field: 'username' },
  { name: 'task: an empty outcome', as: 'specialistA', method: 'POST', path: () => `/api/v1/tasks/${UNKNOWN}/complete`, body: { outcome: '' }, status: 400, field: 'outcome' },
  { name: 'task: markup in the note', as: 'specialistA', method: 'POST', path: () => `/api/v1/tasks/${UNKNOWN}/complete`, body: { outcome: 'reached', note: INJECTIONS.markup }, status: 400, field: 'note' },
  { name: 'task: a CRLF in the note', as: 'specialistA', method: 'POST', path: () => `/api/v1/tasks/${UNKNOWN}/complete`, body: { outcome: 'reached', note: INJECTIONS.crlf }, status: 400, field: 'note' },

  // Ledger, dashboard and reports.
  { name: 'ledger: from February 30', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?from=2027-02-30', status: 400, field: 'query.from' },
  { name: 'ledger: to before from', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?from=2027-03-01&to=2027-02-01', status: 400, field: 'query.to' },
  { name: 'ledger: an unknown format', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?format=pdf', status: 400, field: 'query.format' },
  { name: 'ledger: page 0', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?page=0', status: 400, field: 'query.page' },
  { name: 'ledger: a page size of 10000', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?pageSize=10000', status: 400, field: 'query.pageSize' },
  { name: 'ledger: an Aliyun export without its template', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?format=sms-aliyun&signName=%E5%A8%81%E6%B5%B7', status: 400, field: 'query.templateCode' },
  { name: 'ledger: a licence id that is not a UUID', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?licenceId=1', status: 400, field: 'query.licenceId' },
  { name: 'ledger: an unknown channel', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger?channel=fax', status: 400, field: 'query.channel' },
  { name: 'window-open ledger: no bureau', as: 'supervisor', method: 'GET', path: () => '/api/v1/ledger/window-open', status: 400, field: 'query.bureau' },
  { name: 'dashboard: an unknown format', as: 'supervisor', method: 'GET', path: () => '/api/v1/inspection-report?bureau=weihai&format=doc', status: 400, field: 'query.format' },
  { name: 'outcome figures: a month written as a date', as: 'supervisor', method: 'GET', path: () => '/api/v1/outcome-figures?from=2027-01-01', status: 400, field: 'query.from' },
  { name: 'outcome figures: a month of year 0, which the calendar has not', as: 'supervisor', method: 'GET', path: () => '/api/v1/outcome-figures?to=0000-01', status: 400, field: 'query.to' },
  { name: 'outcome figures: a period that ends before it starts', as: 'supervisor', method: 'GET', path: () => '/api/v1/outcome-figures?from=2027-06&to=2027-01', status: 400, field: 'query.from' },
  { name: 'audit: a limit of 0', as: 'admin', method: 'GET', path: () => '/api/v1/audit?limit=0', status: 400, field: 'query.limit' },

  // The calendar.
  { name: 'calendar: year 1999', as: 'system', method: 'GET', path: () => '/api/v1/bureaus/weihai/calendar?year=1999', status: 400, field: 'query.year' },
  { name: 'calendar: a year of letters', as: 'system', method: 'GET', path: () => '/api/v1/bureaus/weihai/calendar?year=next', status: 400, field: 'query.year' },
  { name: 'calendar override: February 30', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-02-30', body: { kind: 'day_off', name: '国庆节' }, status: 400, field: 'params.date' },
  { name: 'calendar override: an unknown kind', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-10-01', body: { kind: 'holiday', name: '国庆节' }, status: 400, field: 'kind' },
  { name: 'calendar override: markup in the name', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-10-01', body: { kind: 'day_off', name: INJECTIONS.markup }, status: 400, field: 'name' },
  { name: 'calendar override: SQL in the name', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/calendar/overrides/2027-10-01', body: { kind: 'day_off', name: INJECTIONS.sql }, status: 400, field: 'name' },
  { name: 'calendar override: an unknown bureau', as: 'admin', method: 'PUT', path: () => '/api/v1/bureaus/nowhere/calendar/overrides/2027-10-01', body: { kind: 'day_off', name: '国庆节' }, status: 404, field: 'params.bureau' },
  { name: 'send window: 25:00', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/send-window', body: { opens: '25:00', closes: '18:00' }, status: 400, field: 'opens' },
  { name: 'send window: closing before opening', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/send-window', body: { opens: '18:00', closes: '09:00' }, status: 400, field: 'opens' },

  // The catalogue and departments.
  {
    name: 'catalogue entry: a code with punctuation',
    as: 'admin',
    method: 'POST',
    path: () => '/api/v1/catalogue',
    body: { bureau: 'weihai', code: 'WH 26!', departmentName: '市场准入二科', approvalItem: '测试许可', licenceName: '测试许可证', validityText: '5年', regulatorIds: ['weihai:market-supervision'] },
    status: 400,
    field: 'code',
  },
  {
    name: 'catalogue entry: an unknown bureau',
    as: 'admin',
    method: 'POST',
    path: () => '/api/v1/catalogue',
    body: { bureau: 'nowhere', code: 'NW01', departmentName: '市场准入二科', approvalItem: '测试许可', licenceName: '测试许可证', validityText: '5年', regulatorIds: ['weihai:market-supervision'] },
    status: 404,
    field: 'bureau',
  },
  {
    name: 'catalogue entry: markup in the licence name',
    as: 'admin',
    method: 'POST',
    path: () => '/api/v1/catalogue',
    body: { bureau: 'weihai', code: 'WH26', departmentName: '市场准入二科', approvalItem: '测试许可', licenceName: INJECTIONS.markup, validityText: '5年', regulatorIds: ['weihai:market-supervision'] },
    status: 400,
    field: 'licenceName',
  },
  { name: 'catalogue change: a phone of letters', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { servicePhone: 'call us' }, status: 400, field: 'servicePhone' },
  { name: 'catalogue change: an empty material', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { materials: ['延续申请表', ''] }, status: 400, field: 'materials.1' },
  { name: 'catalogue change: a javascript: booking link', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { bookingUrl: 'javascript:alert(1)' }, status: 400, field: 'bookingUrl' },
  { name: 'catalogue change: a lead of 0 months', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { reminderLeadMonths: 0 }, status: 400, field: 'reminderLeadMonths' },
  { name: 'catalogue change: a lead of 13 months', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { reminderLeadMonths: 13 }, status: 400, field: 'reminderLeadMonths' },
  { name: 'catalogue change: a lead as text', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { reminderLeadMonths: '3' }, status: 400, field: 'reminderLeadMonths' },
  { name: 'catalogue change: an unknown entry', as: 'supervisor', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH99', body: { graceDays: 10 }, status: 404, field: 'params.id' },
  { name: 'catalogue: no bureau', as: 'supervisor', method: 'GET', path: () => '/api/v1/catalogue', status: 400, field: 'query.bureau' },
  { name: 'catalogue retirement: no reason', as: 'admin', method: 'POST', path: () => '/api/v1/catalogue/weihai%3AWH02/retire', body: {}, status: 400, field: 'reason' },
  { name: 'department ladder: no steps', as: 'admin', method: 'PATCH', path: () => '/api/v1/departments/weihai%3A%E5%B8%82%E5%9C%BA%E5%87%86%E5%85%A5%E4%BA%8C%E7%A7%91', body: { ladder: [] }, status: 400, field: 'ladder' },
  {
    name: 'department ladder: an unknown channel',
    as: 'admin',
    method: 'PATCH',
    path: () => '/api/v1/departments/weihai%3A%E5%B8%82%E5%9C%BA%E5%87%86%E5%85%A5%E4%BA%8C%E7%A7%91',
    body: { ladder: [{ channel: 'pigeon', waitDays: 3 }] },
    status: 400,
    field: 'ladder.0.channel',
  },
  { name: 'replan: an id that is not a UUID', as: 'supervisor', method: 'GET', path: () => '/api/v1/catalogue/replans/latest', status: 400, field: 'params.jobId' },

  // Imports.
  { name: 'import: an .exe file name', as: 'system', method: 'POST', path: () => '/api/v1/imports?bureau=weihai&fileName=licences.exe', raw: { body: 'x', contentType: 'text/csv' }, status: 400, field: 'query.fileName' },
  { name: 'import: no bureau', as: 'system', method: 'POST', path: () => '/api/v1/imports?fileName=a.csv', raw: { body: 'x', contentType: 'text/csv' }, status: 400, field: 'query.bureau' },
  { name: 'import job: an id that is not a UUID', as: 'system', method: 'GET', path: () => '/api/v1/imports/..%2F..%2Fetc%2Fpasswd', status: 400, field: 'params.id' },

  // Letters.
  { name: 'letter: an id that is not a UUID', as: 'supervisor', method: 'GET', path: () => '/api/v1/letters/1', status: 400, field: 'params.id' },
  { name: 'letter PDF: an id that is not a UUID', as: 'supervisor', method: 'GET', path: () => '/api/v1/letters/%3Cscript%3E/pdf', status: 400, field: 'params.id' },

  // Reminder wording and batch notices.
  { name: 'SMS wording: without the deadline', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/message-templates/sms', body: { text: '${holder}：证照将于${expires}到期，到${office}办理，预约${booking}，电话${phone}', providerTemplateId: 'SMS_1' }, status: 400, field: 'text' },
  { name: 'wording: an unknown channel', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/message-templates/fax', body: { text: 'x' }, status: 400, field: 'params.channel' },
  { name: 'wording: a NUL in the text', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/message-templates/letter', body: { text: INJECTIONS.nul }, status: 400, field: 'text' },
  { name: 'wording: an unknown licence type', as: 'supervisor', method: 'GET', path: () => '/api/v1/bureaus/weihai/message-templates?licenceType=WH99', status: 404, field: 'query.licenceType' },
  { name: 'guidance: an ftp booking page', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/guidance', body: { officeAddress: null, servicePhone: null, portalUrl: 'ftp://zwfw.example.cn' }, status: 400, field: 'portalUrl' },
  { name: 'guidance: markup in the address', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/guidance', body: { officeAddress: INJECTIONS.markup, servicePhone: null, portalUrl: null }, status: 400, field: 'officeAddress' },
  { name: 'batch notices: a limit of 0', as: 'anonymous', method: 'GET', path: () => '/api/v1/bureaus/weihai/batch-notices?limit=0', status: 400, field: 'query.limit' },
  { name: 'batch notices: an unknown bureau', as: 'anonymous', method: 'GET', path: () => '/api/v1/bureaus/nowhere/batch-notices', status: 404, field: 'params.bureau' },
  { name: 'batch notice schedule: not a cron', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/batch-notices/schedule', body: { cron: '* * *; rm -rf /' }, status: 400, field: 'cron' },
  { name: 'SMS signature: brackets in it', as: 'admin', method: 'PUT', path: () => '/api/v1/bureaus/weihai/sms-sign-name', body: { signName: '【威海审批】' }, status: 400, field: 'signName' },
  { name: 'inspection schedule: an hour of 25', as: 'supervisor', method: 'PUT', path: () => '/api/v1/bureaus/weihai/inspection-schedule', body: { cron: '0 25 1 * *' }, status: 400, field: 'cron' },
  { name: 'inspection run: not a run id', as: 'supervisor', method: 'GET', path: () => '/api/v1/inspection-runs/1%27%20OR%201=1', status: 400, field: 'params.id' },
  { name: 'inspection run: an unknown format', as: 'supervisor', method: 'GET', path: () => `/api/v1/inspection-runs/${UNKNOWN}?format=pdf`, status: 400, field: 'query.format' },
  { name: 'follow-up: an unknown status', as: 'supervisor', method: 'POST', path: () => `/api/v1/inspection-runs/${UNKNOWN}/follow-ups`, body: { department: '市场准入二科', status: 'done', note: 'x' }, status: 400, field: 'status' },
  { name: 'follow-up: markup in the note', as: 'supervisor', method: 'POST', path: () => `/api/v1/inspection-runs/${UNKNOWN}/follow-ups`, body: { department: '市场准入二科', status: 'open', note: INJECTIONS.markup }, status: 400, field: 'note' },
  { name: 'regulator: a key instead of its reference', as: 'admin', method: 'POST', path: () => '/api/v1/regulators', body: { bureau: 'weihai', code: 'bad-input', name: '某局', secretRef: 'hunter2' }, status: 400, field: 'secretRef' },
  { name: 'regulator: a file: endpoint', as: 'admin', method: 'POST', path: () => '/api/v1/regulators', body: { bureau: 'weihai', code: 'bad-input', name: '某局', webhookUrl: 'file:///etc/passwd' }, status: 400, field: 'webhookUrl' },
  { name: 'regulator: markup in the name', as: 'admin', method: 'PATCH', path: () => '/api/v1/regulators/weihai%3Amarket-supervision', body: { name: INJECTIONS.markup }, status: 400, field: 'name' },
  { name: 'catalogue change: an unknown regulator role', as: 'admin', method: 'PATCH', path: () => '/api/v1/catalogue/weihai%3AWH01', body: { regulators: [{ id: 'weihai:transport', role: 'boss' }] }, status: 400, field: 'regulators.0.role' },

  // Accounts and keys.
  { name: 'user: an unknown role', as: 'admin', method: 'POST', path: () => '/api/v1/users', body: { username: 'zhaolei', displayName: '赵磊', password: 'a long enough password', role: 'god' }, status: 400, field: 'role' },
  { name: 'user: SQL as the username', as: 'admin', method: 'POST', path: () => '/api/v1/users', body: { username: INJECTIONS.sql, displayName: '赵磊', password: 'a long enough password', role: 'admin' }, status: 400, field: 'username' },
  { name: 'user: markup as the name', as: 'admin', method: 'POST', path: () => '/api/v1/users', body: { username: 'zhaolei', displayName: INJECTIONS.markup, password: 'a long enough password', role: 'admin' }, status: 400, field: 'displayName' },
  { name: 'user: a short password', as: 'admin', method: 'POST', path: () => '/api/v1/users', body: { username: 'zhaolei', displayName: '赵磊', password: '123', role: 'admin' }, status: 400, field: 'password' },
  { name: 'user change: disabled as text', as: 'admin', method: 'PATCH', path: () => `/api/v1/users/${UNKNOWN}`, body: { disabled: 'yes' }, status: 400, field: 'disabled' },
  { name: 'API key: a template in the name', as: 'admin', method: 'POST', path: () => '/api/v1/api-keys', body: { name: INJECTIONS.template, bureauCode: 'weihai' }, status: 400, field: 'name' },
  { name: 'API key: SQL as the bureau', as: 'admin', method: 'POST', path: () => '/api/v1/api-keys', body: { name: '电子证照库', bureauCode: INJECTIONS.sql }, status: 400, field: 'bureauCode' },
  { name: 'API key rotation: an id that is not a UUID', as: 'admin', method: 'POST', path: () => '/api/v1/api-keys/all/rotate', status: 400, field: 'params.id' },
  { name: 'login: no username', as: 'anonymous', method: 'POST', path: () => '/api/v1/session', body: { password: 'x' }, status: 400, field: 'username' },
  { name: 'login: markup as the username', as: 'anonymous', method: 'POST', path: () => '/api/v1/session', body: { username: INJECTIONS.markup, password: 'x' }, status: 400, field: 'username' },
];

beforeAll(async () => {
  const { body } = await suite.api.call('POST', '/api/v1/licences', { ...VALID_LICENCE, licenceNumber: '鲁威药经2024099' });
  licenceId = body.id;
  // Logging in is a change of its own (an audit entry): every caller logs in before the snapshot.
  for (const who of ['specialistA', 'supervisor', 'admin'] as const) await suite.api.as(who);
  before = await databaseSnapshot(suite.h.database.prisma);
});

it('holds at least 100 malformed requests', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(100);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  let status: number;
  let answer: { error?: { fields?: Array<{ path: string; message: string }> } };
  if (c.raw) {
    const response = await fetch(`${suite.api.url}${c.path()}`, {
      method: c.method,
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': c.raw.contentType },
      body: c.raw.body,
    });
    status = response.status;
    answer = (await response.json()) as typeof answer;
  } else {
    ({ status, body: answer } = (await (await suite.api.as(c.as)).call(c.method, c.path(), c.body)) as { status: number; body: typeof answer });
  }
  expect({ status, fields: answer.error?.fields?.map((field) => field.path) }).toEqual({ status: c.status, fields: expect.arrayContaining([c.field]) });
  for (const field of answer.error!.fields!) expect(field.message.length).toBeGreaterThan(5);
});

it('leaves the database exactly as it was', async () => {
  expect(await databaseSnapshot(suite.h.database.prisma)).toEqual(before);
});
