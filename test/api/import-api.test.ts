import { stringify } from 'csv-stringify/sync';
import { fileDigest } from '../../services/import/run-import';
import { apiSuite } from '../support/api-server';
import { TEST_API_KEY } from '../support/accounts';
import { eventually } from '../support/lifecycle';
import { PROJECT_ROOT } from '../support/paths';
import { quietTemporalLogs } from '../support/temporal';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

quietTemporalLogs();

const suite = apiSuite();


const HEADER = ['证照编号', '证照名称', '证照持有单位（个人）', '联系人', '联系方式', '发证日期', '期满日期'];
const good = (number: string) => [number, '药品经营许可证', `${number}大药房`, '张敏', '13800138000', '2023-01-10', '2028-01-09'];

// Line 1 is the header: the rows below are lines 2 … 9.
const ROWS = [
  good('IMP-001'),
  ['IMP-002', '药品经营许可证', '', '张敏', '13800138000', '2023-01-10', '2028-01-09'], // missing holder
  ['IMP-003', '药品经营许可证', '威海三号药房', '张敏', '13800138000', '2023-02-30', '2028-01-09'], // impossible date
  ['IMP-004', '宠物美容许可证', '威海四号', '张敏', '13800138000', '2023-01-10', '2028-01-09'], // unknown type
  ['IMP-005', '药品经营许可证', '威海五号药房', '张敏', '1380013800', '2023-01-10', '2028-01-09'], // malformed phone
  good('IMP-006'),
  good('IMP-001'), // duplicate of line 2
  good('IMP-008'),
];

function writeCsv(name: string, rows: string[][]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-test-')), name);
  fs.writeFileSync(file, '\uFEFF' + stringify([HEADER, ...rows]));
  return file;
}

async function upload(file: string) {
  const response = await fetch(`${suite.api.url}/api/v1/imports?bureau=weihai&fileName=${encodeURIComponent(path.basename(file))}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${TEST_API_KEY}` },
    body: fs.readFileSync(file),
  });
  expect(response.status).toBe(202);
  const job = (await response.json()) as { id: string };
  return eventually(async () => {
    const { body } = await suite.api.call('GET', `/api/v1/imports/${job.id}`);
    expect(body.status).toBe('finished');
    return body;
  }, 60_000);
}

// The workflow runs the first import started, by licence number.
const firstRuns = new Map<string, string>();

/** Runs `npm run import`'s entry point; resolves with its exit status and output. */
function importCommand(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'bin', 'import-licences.ts'), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const importedNumbersLike = async (prefix: string) =>
  (await suite.h.database.prisma.licence.findMany({ where: { licenceNumber: { startsWith: prefix } }, orderBy: { licenceNumber: 'asc' } })).map((l) => l.licenceNumber);

const importedNumbers = async () =>
  (await suite.h.database.prisma.licence.findMany({ where: { licenceNumber: { startsWith: 'IMP-' } }, orderBy: { licenceNumber: 'asc' } })).map((l) => l.licenceNumber);

it('imports the good rows and reports every bad one with its line, field and reason', async () => {
  const job = await upload(writeCsv('电子证照导出.csv', ROWS));
  expect(job).toMatchObject({ totalRows: 8, processedRows: 9, importedRows: 3, existingRows: 0, badRows: 5 });
  const problems = job.problems.map((problem: { line: number; field: string }) => `${problem.line}:${problem.field}`);
  expect(problems).toEqual(['3:holder.name', '4:issuedOn', '5:licenceType', '6:contact.phone', '8:licenceNumber']);
  expect(job.problems[4].reason).toContain('2');
  expect(await importedNumbers()).toEqual(['IMP-001', 'IMP-006', 'IMP-008']);
  for (const number of ['IMP-001', 'IMP-006', 'IMP-008']) {
    const run = await suite.h.env.client.workflow.getHandle(`licence/weihai/${number}`).describe();
    expect(run.status.name).toBe('RUNNING');
    firstRuns.set(number, run.runId);
  }
  await expect(suite.h.env.client.workflow.getHandle('licence/weihai/IMP-002').describe()).rejects.toThrow(/not found/i);
});

it('imports the same file again without creating a licence or starting a workflow', async () => {
  const licencesBefore = await suite.h.database.prisma.licence.count();
  const job = await upload(writeCsv('电子证照导出.csv', ROWS));
  expect(job).toMatchObject({ importedRows: 0, existingRows: 3, badRows: 5 });
  expect(await suite.h.database.prisma.licence.count()).toBe(licencesBefore);
  // The same runs as before: no workflow was started again.
  for (const [number, runId] of firstRuns) {
    expect((await suite.h.env.client.workflow.getHandle(`licence/weihai/${number}`).describe()).runId).toBe(runId);
  }
  expect(firstRuns.size).toBe(3);
});

it('resumes a crashed import after its last checkpoint', async () => {
  const file = writeCsv('第二批.csv', [good('RES-001'), good('RES-002'), good('RES-003'), good('RES-004')]);
  // A crash after lines 2 and 3 were checkpointed (their licences were registered then).
  await suite.h.database.prisma.importJob.create({
    data: { bureauCode: 'weihai', fileName: '第二批.csv', fileSha256: await fileDigest(file), status: 'failed', totalRows: 4, processedRows: 3, importedRows: 2 },
  });
  const job = await upload(file);
  expect(job).toMatchObject({ processedRows: 5, importedRows: 4, badRows: 0 });
  const resumed = await suite.h.database.prisma.licence.findMany({ where: { licenceNumber: { startsWith: 'RES-' } }, orderBy: { licenceNumber: 'asc' } });
  // Lines 2 and 3 were not read again; lines 4 and 5 were imported.
  expect(resumed.map((licence) => licence.licenceNumber)).toEqual(['RES-003', 'RES-004']);
});

it('answers 400 without a file and 404 for an unknown bureau', async () => {
  const headers = { 'content-type': 'text/csv', authorization: `Bearer ${TEST_API_KEY}` };
  const empty = await fetch(`${suite.api.url}/api/v1/imports?bureau=weihai&fileName=x.csv`, { method: 'POST', headers });
  expect(empty.status).toBe(400);
  // An API key serves its own bureau; the administrator meets the unknown bureau.
  const admin = await suite.api.as('admin');
  const unknown = await admin.call('POST', '/api/v1/imports?bureau=nowhere&fileName=x.csv', 'a,b\n1,2\n', { 'content-type': 'text/csv' });
  expect(unknown.status).toBe(404);
});

it('the import command uploads a file, follows the job and prints the report', async () => {
  const file = writeCsv('命令行导入.csv', [good('CLI-001'), ['CLI-002', '药品经营许可证', '威海药房', '张敏', '12345', '2023-01-10', '2028-01-09']]);
  // Asynchronously: the API answering the command runs in this process.
  const run = await importCommand(['--api', suite.api.url, '--key', TEST_API_KEY, '--bureau', 'weihai', file]);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/finished; 1 new, 0 already registered, 1 bad rows/);
  expect(run.stdout).toContain('line 3: contact.phone: must be a mainland mobile number');
  expect(await importedNumbersLike('CLI-')).toEqual(['CLI-001']);
});

it('the import command says what it needs', async () => {
  const run = await importCommand(['file.txt']);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('usage: npm run import -- --bureau <code>');
});

it('reports a row dated in year 0000 as its own problem and imports the others', async () => {
  const job = await upload(writeCsv('零年.csv', [good('YR0-01'), ['YR0-02', '药品经营许可证', '威海零年药房', '张敏', '13800138000', '0000-01-01', '2028-01-09'], good('YR0-03')]));
  expect(job).toMatchObject({ status: 'finished', totalRows: 3, importedRows: 2, badRows: 1, lastError: null });
  expect(job.problems).toEqual([{ line: 3, field: 'issuedOn', reason: expect.stringContaining('between 1900-01-01 and 2199-12-31') }]);
  expect(await importedNumbersLike('YR0-')).toEqual(['YR0-01', 'YR0-03']);
});
