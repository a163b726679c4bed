import { openDatabase, type Database } from '../../runtime/database';
import { deployMigrations } from '../../runtime/migrations';
import { recordDatabaseRestore, restoreSince } from '../../services/database-restores';
import { PrivatePostgres } from '../support/private-postgres';

/**
 * A restore the engine was not told of: a point-in-time recovery or a standby promoted in a
 * failover, after which the approval systems send again what the lost transactions held. The
 * send path must know of it before a text goes, as it does after `npm run record-restore`.
 */
let server: PrivatePostgres;
let url: string;
let database: Database | undefined;

beforeAll(async () => {
  server = await PrivatePostgres.start();
  url = await server.createDatabase('licences');
  await deployMigrations({ kind: 'postgres', url });
}, 60_000);
afterAll(async () => {
  await database?.close();
  server?.stop();
});

const reopen = async () => {
  await database?.close();
  database = await openDatabase({ kind: 'postgres', url });
  return database.prisma;
};
const weekAgo = () => new Date(Date.now() - 7 * 86_400_000);

it('notices a recovery that opened a new timeline, once, from the last text the restored database holds; a plain restart is no restore', async () => {
  let prisma = await reopen();
  expect(await restoreSince(prisma, weekAgo(), new Date())).toBeUndefined();
  const lastKeptText = new Date(Date.now() - 60_000);
  await prisma.smsSendIntent.create({
    data: { outId: 'licence/weihai/鲁威药经KEPT/cycle-0/step-1/sms', licenceId: 'kept', provider: 'aliyun', phone: '13800138000', firstTriedAt: lastKeptText, lastTriedAt: lastKeptText, attempts: 1 },
  });

  await server.restart();
  prisma = await reopen();
  expect(await restoreSince(prisma, weekAgo(), new Date())).toBeUndefined();

  const beforeRecovery = Date.now();
  await server.recoverOntoNewTimeline();
  expect(await server.timeline()).toBe(2);
  prisma = await reopen();
  const noticed = await restoreSince(prisma, weekAgo(), new Date());
  expect(noticed).toBeDefined();
  // Every text the lost transactions sent went after the last one the restored database kept.
  expect(noticed!.recoveredUpTo.getTime()).toBeLessThanOrEqual(lastKeptText.getTime());
  expect(noticed!.recoveredUpTo.getTime()).toBeGreaterThan(lastKeptText.getTime() - 5 * 60_000);
  expect(noticed!.recordedAt.getTime()).toBeGreaterThanOrEqual(beforeRecovery);

  // Asked again, and by another process: the same restore.
  expect(await restoreSince(prisma, weekAgo(), new Date())).toEqual(noticed);
  prisma = await reopen();
  expect(await restoreSince(prisma, weekAgo(), new Date())).toEqual(noticed);
  expect(await prisma.databaseRestore.count()).toBe(1);
}, 120_000);

it('notices no more once the restore was recorded by the command the cluster runs at the end of a recovery', async () => {
  await server.recoverOntoNewTimeline();
  expect(await server.timeline()).toBe(3);
  let prisma = await reopen();
  const recorded = await recordDatabaseRestore(prisma, { recoveredUpTo: new Date(Date.now() - 30_000), recordedAt: new Date() });
  prisma = await reopen();
  expect(await restoreSince(prisma, weekAgo(), new Date())).toEqual(recorded);
  expect(await prisma.databaseRestore.count()).toBe(2);
}, 120_000);

it('answers the recorded restores, and says why, on a server that will not tell its timeline', async () => {
  await server.asSuperuser('CREATE ROLE managed LOGIN');
  await server.asSuperuser('REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC; GRANT ALL ON ALL TABLES IN SCHEMA public TO managed; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO managed', 'licences');
  const managed = await openDatabase({ kind: 'postgres', url: server.url('licences', 'managed') });
  try {
    const reasons: string[] = [];
    const recorded = await recordDatabaseRestore(managed.prisma, { recoveredUpTo: new Date(Date.now() - 20_000), recordedAt: new Date() });
    expect(await restoreSince(managed.prisma, weekAgo(), new Date(), (reason) => reasons.push(reason))).toEqual(recorded);
    expect(reasons).toEqual([expect.stringContaining('pg_control_system')]);
  } finally {
    await managed.close();
  }
}, 120_000);
