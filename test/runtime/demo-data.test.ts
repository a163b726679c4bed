import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { LICENCE_STAGES } from '../../domain';
import { DEMO_PASSWORD, loadDemoData } from '../../runtime/demo-data';
import { apiSuite } from '../support/api-server';
import { sessionCaller } from '../support/http';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const suite = apiSuite();

it('fills a demo data folder once with licences of both bureaus at every stage, through the API, and people to log in as', async () => {
  const prisma = suite.h.database.prisma;
  const options = { prisma, apiUrl: suite.api.url, dataDir: mkdtempSync(path.join(tmpdir(), 'demo-')), logger: pino({ level: 'silent' }), now: new Date(await suite.h.now()) };
  expect(await loadDemoData(options)).toBe(true);

  // Every stage a licence rests in (renewal_approved lasts only until the regulators are told).
  const restingStages = LICENCE_STAGES.filter((stage) => stage !== 'renewal_approved');
  for (const bureau of ['weihai', 'luliang']) {
    await eventually(async () => {
      const stages = new Set((await prisma.licence.findMany({ where: { bureauCode: bureau } })).map((licence) => licence.stage));
      expect([...stages].sort()).toEqual([...restingStages].sort());
    }, 60_000);
    expect(await prisma.inspectionRun.count({ where: { bureauCode: bureau } })).toBe(1);
  }
  // A same-number renewal (延续) is in its second term.
  expect(await prisma.licenceTerm.count({ where: { licence: { licenceNumber: '鲁威药经演示006' } } })).toBe(2);

  for (const username of ['weihai-specialist', 'weihai-supervisor', 'luliang-specialist', 'luliang-supervisor', 'demo-admin']) {
    const person = await sessionCaller(suite.api.url, username, DEMO_PASSWORD);
    expect((await person.call('GET', '/api/v1/session')).status).toBe(200);
  }
  const count = await prisma.licence.count();
  expect(await loadDemoData(options)).toBe(false);
  expect(await prisma.licence.count()).toBe(count);
});
