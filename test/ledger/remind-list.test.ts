import type { PrismaClient } from '../../generated/prisma/client';
import { remindList } from '../../services/remind-list';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertWorkflowLicence } from '../support/licence-rows';

const TYPE_WORDING = '${holder}：咨询电话${phone}。您的${licence}（编号${number}）将于${expires}到期，请于${deadline}到${office}申请延续，预约：${booking}。';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
  for (let index = 0; index < 30; index += 1) await insertWorkflowLicence(database.prisma, `鲁威药经2027${String(index).padStart(3, '0')}`, '2027-02-28');
  await database.prisma.licence.updateMany({ data: { stage: 'window_open' } });
  // The drug-retail type words its text itself, the phone first; the rest of the bureau keeps the default.
  await database.prisma.messageTemplate.create({
    data: { bureauCode: 'weihai', channel: 'sms', catalogueCode: 'WH01', text: TYPE_WORDING, providerTemplateId: 'SMS_480000300', updatedBy: 'root-admin' },
  });
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

/** The database client, counting the queries each model receives. */
function countingQueries(prisma: PrismaClient): { prisma: PrismaClient; queries: Map<string, number> } {
  const queries = new Map<string, number>();
  const counted = prisma.$extends({
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          queries.set(`${model}.${operation}`, (queries.get(`${model}.${operation}`) ?? 0) + 1);
          return query(args);
        },
      },
    },
  });
  return { prisma: counted as unknown as PrismaClient, queries };
}

it("reads the bureau's wording once for the whole list, not once per licence", async () => {
  const { prisma, queries } = countingQueries(database.prisma);
  const list = await remindList(prisma, { bureau: 'weihai', department: '市场准入二科' });
  expect(list).toHaveLength(30);
  expect(queries.get('MessageTemplate.findMany')).toBe(1);
  expect(queries.get('Licence.findMany')).toBe(1);
});

it("fills each licence's SMS parameters from its licence type's own wording", async () => {
  const [first] = await remindList(database.prisma, { bureau: 'weihai', department: '市场准入二科' });
  expect(first!.smsParameters.map(([name]) => name)).toEqual(['holder', 'phone', 'licence', 'number', 'expires', 'deadline', 'office', 'booking']);
  expect(Object.fromEntries(first!.smsParameters)).toMatchObject({ holder: '威海康宁大药房有限公司', number: '鲁威药经2027000', expires: '2027-02-28' });
});
