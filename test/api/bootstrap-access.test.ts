import { BOOTSTRAP_ADMIN, bootstrapAccess } from '../../services/access/bootstrap';
import { checkPassword, principalOfApiKey } from '../../services/access/credentials';
import { createTestDatabase, type TestDatabase } from '../support/databases';

// A fresh install gets its first API key and administrator without a manual step.
let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase('pglite');
});
afterEach(async () => {
  await database.destroy();
});

it('generates the first key and administrator once, and they work', async () => {
  const first = await bootstrapAccess(database.prisma, { bureauCode: 'weihai' });
  expect(first).toMatchObject({ apiKey: { generated: true, bureauCode: 'weihai' }, admin: { username: BOOTSTRAP_ADMIN, generated: true } });
  expect(await principalOfApiKey(database.prisma, first.apiKey!.secret)).toMatchObject({ role: 'system', bureauCode: 'weihai' });
  expect(await checkPassword(database.prisma, BOOTSTRAP_ADMIN, first.admin!.password)).toMatchObject({ role: 'admin' });
  // Only digests are stored.
  const stored = JSON.stringify([await database.prisma.apiKey.findMany(), await database.prisma.user.findMany()]);
  expect(stored).not.toContain(first.apiKey!.secret);
  expect(stored).not.toContain(first.admin!.password);

  expect(await bootstrapAccess(database.prisma, { bureauCode: 'weihai' })).toEqual({});
  expect(await database.prisma.apiKey.count()).toBe(1);
  expect(await database.prisma.user.count()).toBe(1);
});

it('takes the key and the password from the settings when given', async () => {
  const result = await bootstrapAccess(database.prisma, { bureauCode: 'luliang', apiKey: 'lre_chosen-by-the-operator-0001', adminPassword: 'chosen password 1' });
  expect(result).toEqual({
    apiKey: { secret: 'lre_chosen-by-the-operator-0001', generated: false, bureauCode: 'luliang' },
    admin: { username: BOOTSTRAP_ADMIN, password: 'chosen password 1', generated: false },
  });
  expect(await principalOfApiKey(database.prisma, 'lre_chosen-by-the-operator-0001')).toMatchObject({ bureauCode: 'luliang' });
  expect(await checkPassword(database.prisma, BOOTSTRAP_ADMIN, 'wrong password 1')).toBeNull();
});
