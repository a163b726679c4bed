import { seedCatalogues, SEED_BUREAUS } from '../../catalogue/seed';
import { openDatabase } from '../../runtime/database';
import { deployMigrations } from '../../runtime/migrations';
import { createPostgresDatabase } from '../support/databases';
import { slowLink } from '../support/slow-link';

// Every API and worker process seeds the catalogues as it starts. A process restarted while the
// database is busy (a wake-up storm, registrations) must still start: each statement answers late.
const LATE_BY_MS = 30;

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let link: Awaited<ReturnType<typeof slowLink>>;

beforeAll(async () => {
  database = await createPostgresDatabase();
  await deployMigrations({ kind: 'postgres', url: database.url });
  const url = new URL(database.url);
  link = await slowLink({ host: url.hostname, port: Number(url.port) }, LATE_BY_MS);
});

afterAll(async () => {
  await link?.close();
  await database?.drop();
});

function throughTheSlowLink(): string {
  const url = new URL(database.url);
  url.host = `127.0.0.1:${link.port}`;
  return url.toString();
}

it('seeds an empty database, and again as a process restarts, though every statement answers 30 ms late', async () => {
  const slow = await openDatabase({ kind: 'postgres', url: throughTheSlowLink() });
  try {
    await seedCatalogues(slow.prisma);
    await seedCatalogues(slow.prisma);
    const entries = SEED_BUREAUS.reduce((sum, bureau) => sum + bureau.catalogue.length, 0);
    expect(await slow.prisma.catalogueEntry.count()).toBe(entries);
    expect(await slow.prisma.catalogueRegulator.count()).toBe(entries);
  } finally {
    await slow.close();
  }
}, 120_000);

// The compose file starts both APIs and both workers together on a new database.
it('seeds an empty database from four processes starting at once', async () => {
  const empty = await createPostgresDatabase();
  try {
    await deployMigrations({ kind: 'postgres', url: empty.url });
    const processes = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url: empty.url })));
    try {
      await Promise.all(processes.map((process) => seedCatalogues(process.prisma)));
      const entries = SEED_BUREAUS.reduce((sum, bureau) => sum + bureau.catalogue.length, 0);
      expect(await processes[0]!.prisma.catalogueEntry.count()).toBe(entries);
    } finally {
      await Promise.all(processes.map((process) => process.close()));
    }
  } finally {
    await empty.drop();
  }
}, 120_000);

it('keeps a department’s edits and follows the published text where nobody edited', async () => {
  const direct = await openDatabase({ kind: 'postgres', url: database.url });
  try {
    await seedCatalogues(direct.prisma);
    const [edited, untouched] = await direct.prisma.catalogueEntry.findMany({ orderBy: { id: 'asc' }, take: 2 });
    await direct.prisma.catalogueEntry.update({ where: { id: edited!.id }, data: { licenceName: '部门改过的名称', version: { increment: 1 } } });
    await direct.prisma.catalogueEntry.update({ where: { id: untouched!.id }, data: { licenceName: '过时的名称' } });
    await seedCatalogues(direct.prisma);
    const after = await direct.prisma.catalogueEntry.findMany({ where: { id: { in: [edited!.id, untouched!.id] } }, orderBy: { id: 'asc' } });
    expect(after.map((entry) => entry.licenceName)).toEqual(['部门改过的名称', untouched!.licenceName]);
  } finally {
    await direct.close();
  }
});
