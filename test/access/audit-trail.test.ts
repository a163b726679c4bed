import { insertAuditEntries } from '../../services/access/audit-trail';
import { createTestDatabase, type TestDatabase } from '../support/databases';

describe.each(['pglite', 'postgres'] as const)('audit trail on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('stores a batch of entries in one call, each with its own id and instant in UTC', async () => {
    const entries = [
      { at: new Date('2026-12-01T01:02:03.456Z'), actorKind: 'system', actorId: 'key-1', actorName: 'api-key:审批系统', method: 'POST', path: '/api/v1/licences', status: 201 },
      { at: new Date('2026-12-01T23:59:59.999Z'), actorKind: 'specialist', actorId: 'user-2', actorName: 'wangfang', method: 'PATCH', path: "/api/v1/tasks/it's", status: 200 },
      { at: new Date('2027-01-01T00:00:00.000Z'), actorKind: 'admin', actorId: 'user-3', actorName: 'root', method: 'DELETE', path: '/api/v1/api-keys/x', status: 204 },
    ];
    await insertAuditEntries(database.prisma, entries);
    const stored = await database.prisma.auditEntry.findMany({ orderBy: { at: 'asc' } });
    expect(stored.map(({ id: _id, ...entry }) => entry)).toEqual(entries);
    expect(new Set(stored.map((entry) => entry.id)).size).toBe(3);
    for (const entry of stored) expect(entry.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes nothing for an empty batch', async () => {
    const before = await database.prisma.auditEntry.count();
    await insertAuditEntries(database.prisma, []);
    expect(await database.prisma.auditEntry.count()).toBe(before);
  });
});
