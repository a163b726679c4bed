import SwaggerParser from '@apidevtools/swagger-parser';
import { connectTemporalClient, type TemporalClient } from '../../runtime/temporal';
import { createPostgresDatabase } from '../support/databases';
import { startTestSystem, type TestSystem } from '../support/system';
import { quietTemporalLogs } from '../support/temporal';
import { fiveYearLicenceDates } from '../support/wall-clock';
import { yearsAhead } from '../../services/national-schedule';
import { STATUTORY_YEARS } from '../../services/working-calendar';

quietTemporalLogs();

// The dev server's clock is the wall clock: every date is counted from this year.
const dates = fiveYearLicenceDates();

const drugLicence = (licenceNumber: string, overrides: Record<string, unknown> = {}) => ({
  bureau: 'weihai',
  licenceNumber,
  licenceType: '药品经营许可证',
  holder: { name: '威海康宁大药房有限公司' },
  contact: { name: '张敏', phone: '13800138000' },
  issuedOn: dates.issuedOn,
  expiresOn: dates.expiresOn,
  ...overrides,
});

describe.each(['pglite', 'postgres'] as const)('registration API on %s', (kind) => {
  let system: TestSystem;
  let temporal: TemporalClient;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (kind === 'postgres') {
      const database = await createPostgresDatabase();
      databaseUrl = database.url;
      dropDatabase = database.drop;
    }
    system = await startTestSystem({ databaseUrl });
    temporal = await connectTemporalClient(system.temporalAddress, 'default');
  });

  afterAll(async () => {
    await temporal?.close();
    await system?.stop();
    await dropDatabase?.();
  });

  const countRows = () => system.database.prisma.licence.count();

  it('answers /healthz when the database and Temporal are reachable', async () => {
    const { status, body } = await system.request('GET', '/healthz');
    expect(status).toBe(200);
    // The dev server's clock is the wall clock: the years ahead that the data package lacks make it degraded, not down.
    const missing = yearsAhead(new Date()).filter((year) => !STATUTORY_YEARS.has(year));
    expect(body).toEqual({
      status: missing.length === 0 ? 'ok' : 'degraded',
      checks: { database: 'ok', temporal: 'ok', calendar: missing.length === 0 ? 'ok' : expect.stringContaining(`no national holidays loaded for ${missing.join(', ')}`) },
    });
  });

  it('registers a licence, starts its workflow and answers 201', async () => {
    const { status, body } = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023001'));
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workflowId: 'licence/weihai/鲁威药经2023001',
      stage: 'awaiting_window',
      reminderWindowOpensOn: dates.windowOpensOn,
    });
    const description = await temporal.client.workflow.getHandle(body.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('licenceWorkflow');
    expect(description.searchAttributes.LicenceBureau).toEqual(['weihai']);
    expect(description.searchAttributes.LicenceType).toEqual(['WH01']);
  });

  it('stores every field as sent, its days as calendar dates and its instants in UTC', async () => {
    const before = Date.now();
    const { status, body } = await system.request(
      'POST',
      '/api/v1/licences',
      drugLicence('鲁威药经2023099', { holder: { name: '威海康宁大药房有限公司', idNumber: '91371000MA3C8X7Q2K' }, contact: { name: '张敏', phone: '13800138000', address: '威海市环翠区统一路1号' } }),
    );
    const after = Date.now();
    expect(status).toBe(201);
    const row = await system.database.prisma.licence.findUniqueOrThrow({ where: { id: body.id }, include: { catalogueEntry: true } });
    expect(row).toMatchObject({
      bureauCode: 'weihai',
      licenceNumber: '鲁威药经2023099',
      holderName: '威海康宁大药房有限公司',
      holderIdNumber: '91371000MA3C8X7Q2K',
      contactName: '张敏',
      contactPhone: '13800138000',
      contactAddress: '威海市环翠区统一路1号',
      parentLicenceId: null,
      workflowId: 'licence/weihai/鲁威药经2023099',
      stage: 'awaiting_window',
      validityWarning: null,
      issuedOn: new Date(`${dates.issuedOn}T00:00:00.000Z`),
      expiresOn: new Date(`${dates.expiresOn}T00:00:00.000Z`),
      // Three months before the expiry, midnight in Asia/Shanghai.
      reminderWindowOpensAt: new Date(dates.windowOpensAt),
    });
    expect(row.catalogueEntry.code).toBe('WH01');
    for (const instant of [row.createdAt, row.updatedAt]) {
      expect(instant.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(instant.getTime()).toBeLessThanOrEqual(after + 1);
    }
  });

  it('answers a repeated registration with 200 and the same body, and starts nothing', async () => {
    const first = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023002'));
    const firstRun = (await temporal.client.workflow.getHandle(first.body.workflowId).describe()).runId;
    const again = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023002'));
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const description = await temporal.client.workflow.getHandle(first.body.workflowId).describe();
    expect(description.runId).toBe(firstRun);
    expect(description.historyLength).toBeLessThan(10);
  });

  it('registers licences sent at once and answers a duplicate among them as a repeat', async () => {
    const before = await countRows();
    const numbers = ['鲁威药经2023201', '鲁威药经2023202', '鲁威药经2023203', '鲁威药经2023204', '鲁威药经2023202', '鲁威药经2023205'];
    const answers = await Promise.all(numbers.map((number) => system.request('POST', '/api/v1/licences', drugLicence(number))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201, 201, 201, 201, 201]);
    expect(answers[4]!.body).toEqual(answers[1]!.body);
    expect(await countRows()).toBe(before + 5);
    expect(await system.database.prisma.licenceTerm.count({ where: { licence: { licenceNumber: { in: numbers } } } })).toBe(5);
  });

  it('marks the row once Temporal accepted the workflow, and a repeat then asks Temporal nothing', async () => {
    const first = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023010'));
    const row = await system.database.prisma.licence.findUniqueOrThrow({ where: { id: first.body.id } });
    expect(row.workflowStartedAt).toBeInstanceOf(Date);
    // Deleted behind the engine's back: a repeat that asked Temporal would start the workflow again.
    const handle = temporal.client.workflow.getHandle(first.body.workflowId);
    await temporal.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: first.body.workflowId } });
    const gone = async () => handle.describe().then(() => false, (error: Error) => error.name === 'WorkflowNotFoundError');
    for (let tries = 0; !(await gone()) && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await gone()).toBe(true);
    const again = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023010'));
    expect(again.status).toBe(200);
    expect(await gone()).toBe(true);
  });

  it('starts the workflow of a row written before a crash, on the repeat', async () => {
    const template = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023011'));
    const row = await system.database.prisma.licence.findUniqueOrThrow({ where: { id: template.body.id } });
    // As if the process died between writing the row and starting the workflow.
    const orphan = await system.database.prisma.licence.create({
      data: {
        ...row,
        id: crypto.randomUUID(),
        licenceNumber: '鲁威药经2023012',
        workflowId: 'licence/weihai/鲁威药经2023012',
        workflowStartedAt: null,
        createdAt: undefined,
        updatedAt: undefined,
      },
    });
    const again = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023012'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(orphan.id);
    const description = await temporal.client.workflow.getHandle('licence/weihai/鲁威药经2023012').describe();
    expect(description.status.name).toBe('RUNNING');
    const marked = await system.database.prisma.licence.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(marked.workflowStartedAt).toBeInstanceOf(Date);
  });

  it('accepts the catalogue code as the licence type', async () => {
    const { status, body } = await system.request('POST', '/api/v1/licences', drugLicence('WH01-by-code', { licenceType: 'WH01' }));
    expect(status).toBe(201);
    const licence = await system.request('GET', `/api/v1/licences/${body.id}`);
    expect(licence.body.licenceType).toEqual({ code: 'WH01', name: '药品经营许可证', department: '市场准入二科' });
  });

  it('refuses the same licence number with other details (409), naming what differs', async () => {
    const before = await countRows();
    const { status, body } = await system.request(
      'POST',
      '/api/v1/licences',
      drugLicence('鲁威药经2023001', { contact: { name: '张敏', phone: '13912345678' } }),
    );
    expect(status).toBe(409);
    expect(body.error.code).toBe('licence_already_registered');
    expect(body.error.fields).toEqual([{ path: 'contact.phone', message: 'differs from the registered licence' }]);
    expect(await countRows()).toBe(before);
  });

  it('answers 400 naming every bad field, and writes nothing', async () => {
    const before = await countRows();
    const { status, body } = await system.request('POST', '/api/v1/licences', {
      bureau: 'weihai',
      licenceNumber: '',
      licenceType: '药品经营许可证',
      holder: {},
      contact: { name: '张敏', phone: '12345' },
      issuedOn: '2027-02-30',
      expiresOn: dates.expiresOn,
      colour: 'red',
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(
      ['colour', 'contact.phone', 'holder.name', 'issuedOn', 'licenceNumber'].sort(),
    );
    expect(body.error.fields.find((field: { path: string }) => field.path === 'issuedOn').message).toMatch(/YYYY-MM-DD/);
    expect(await countRows()).toBe(before);
  });

  it('rejects an expiry on or before the issue date', async () => {
    const { status, body } = await system.request('POST', '/api/v1/licences', drugLicence('X-1', { expiresOn: dates.issuedOn }));
    expect(status).toBe(400);
    expect(body.error.fields).toEqual([{ path: 'expiresOn', message: `must be after issuedOn (${dates.issuedOn})` }]);
  });

  it('accepts an expiry the catalogue rule cannot produce, with a warning kept on the licence', async () => {
    const { status, body } = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023077', { expiresOn: dates.tenYearsOn }));
    expect(status).toBe(201);
    expect(body.warnings).toEqual([expect.stringMatching(new RegExp(`expiresOn ${dates.tenYearsOn} is not 5年 after issuedOn ${dates.issuedOn}`))]);
    const row = await system.database.prisma.licence.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.validityWarning).toBe(body.warnings[0]);
    const fitting = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023078', { expiresOn: dates.dayBeforeExpiry }));
    expect(fitting.body.warnings).toBeUndefined();
  });

  it('names an unknown bureau and an unknown licence type', async () => {
    const unknownBureau = await system.request('POST', '/api/v1/licences', drugLicence('X-2', { bureau: 'atlantis' }));
    expect(unknownBureau.status).toBe(400);
    expect(unknownBureau.body.error.fields[0]).toEqual({
      path: 'bureau',
      message: 'unknown bureau "atlantis"; known bureaus: luliang, weihai',
    });
    const unknownType = await system.request('POST', '/api/v1/licences', drugLicence('X-3', { licenceType: '驾驶证' }));
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.fields[0].path).toBe('licenceType');
  });

  it('refuses a licence type that never expires (有效期 无) with 422', async () => {
    const { status, body } = await system.request('POST', '/api/v1/licences', drugLicence('X-4', { licenceType: '海域使用权证' }));
    expect(status).toBe(422);
    expect(body.error.code).toBe('no_expiry');
  });

  it('answers 415 to a body that is not JSON and 400 to broken JSON', async () => {
    const plain = await system.request('POST', '/api/v1/licences', 'bureau=weihai', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const broken = await system.request('POST', '/api/v1/licences', '{"bureau":', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });

  it('returns a licence from the read model, and its live state from the workflow', async () => {
    const created = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023003'));
    const { status, body } = await system.request('GET', `/api/v1/licences/${created.body.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: created.body.id,
      bureau: 'weihai',
      licenceNumber: '鲁威药经2023003',
      holder: { name: '威海康宁大药房有限公司', idNumber: null },
      contact: { name: '张敏', phone: '13800138000', address: null },
      issuedOn: dates.issuedOn,
      expiresOn: dates.expiresOn,
      reminderWindowOpensOn: dates.windowOpensOn,
      stage: 'awaiting_window',
    });
    expect(body).not.toHaveProperty('steps');
    const live = await system.request('GET', `/api/v1/licences/${created.body.id}/status`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      id: created.body.id,
      stage: 'awaiting_window',
      reminderWindowOpensOn: dates.windowOpensOn,
      nextAction: { kind: 'open_reminder_window', dueAt: dates.windowOpensAt },
    });
    expect(live.body.steps.map((step: { kind: string }) => step.kind)).toEqual(['registered']);
    const unknown = await system.request('GET', '/api/v1/licences/00000000-0000-4000-8000-000000000000/status');
    expect(unknown.status).toBe(404);
  });

  it('opens the window at once for a licence registered inside it', async () => {
    const soon = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const created = await system.request('POST', '/api/v1/licences', drugLicence('鲁威药经2023004', { expiresOn: soon }));
    expect(created.status).toBe(201);
    let stage = '';
    for (let attempt = 0; attempt < 50 && stage !== 'window_open'; attempt++) {
      stage = (await system.request('GET', `/api/v1/licences/${created.body.id}`)).body.stage;
      if (stage !== 'window_open') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stage).toBe('window_open');
  });

  it('answers 404 for an unknown licence and 400 for a malformed id', async () => {
    const missing = await system.request('GET', '/api/v1/licences/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const malformed = await system.request('GET', '/api/v1/licences/abc');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields[0].path).toBe('params.id');
  });

  it('serves an OpenAPI 3.1 document that a validator accepts', async () => {
    const { body } = await system.request('GET', '/openapi.json');
    await expect(SwaggerParser.validate(structuredClone(body))).resolves.toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/v1/licences', '/api/v1/licences/{id}', '/healthz']));
    expect(body.components.schemas.RegisterLicence.required).toEqual(
      expect.arrayContaining(['bureau', 'licenceNumber', 'licenceType', 'holder', 'contact', 'issuedOn', 'expiresOn']),
    );
  });
});
