import type { PrismaClient } from '../../generated/prisma/client';
import { createUser, issueApiKey } from '../../services/access/credentials';
import type { PersonRole } from '../../services/access/principal';

/** The people the tests log in as, all of bureau weihai but the administrator. */
export const ACCOUNTS = {
  /** A specialist of 市场准入二科, which owns the drug retail licence (WH01). */
  specialistA: { username: 'wangfang', displayName: '王芳', role: 'specialist', departmentId: 'weihai:市场准入二科' },
  /** A second specialist of the same department. */
  specialistA2: { username: 'liqiang', displayName: '李强', role: 'specialist', departmentId: 'weihai:市场准入二科' },
  /** A specialist of another department. */
  specialistB: { username: 'zhaolei', displayName: '赵磊', role: 'specialist', departmentId: 'weihai:社会民生科' },
  supervisor: { username: 'chenjing', displayName: '陈静', role: 'supervisor', bureauCode: 'weihai' },
  admin: { username: 'root-admin', displayName: '管理员', role: 'admin' },
} satisfies Record<string, { username: string; displayName: string; role: PersonRole; departmentId?: string; bureauCode?: string }>;

export type AccountName = keyof typeof ACCOUNTS;
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_API_KEY = 'lre_test-key-of-the-weihai-approval-system';

/** Creates the test accounts and weihai's API key, unless they exist. */
export async function seedTestAccounts(prisma: PrismaClient): Promise<void> {
  for (const account of Object.values(ACCOUNTS)) {
    if (await prisma.user.findUnique({ where: { username: account.username } })) continue;
    await createUser(prisma, { ...account, password: TEST_PASSWORD });
  }
  if ((await prisma.apiKey.count({ where: { name: 'test weihai system' } })) === 0) {
    await issueApiKey(prisma, { name: 'test weihai system', bureauCode: 'weihai', secret: TEST_API_KEY });
  }
}
