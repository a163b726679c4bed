import type { PrismaClient } from '../../generated/prisma/client';
import { createUser, issueApiKey } from './credentials';
import { newSecret } from './secrets';

export interface BootstrapSettings {
  /** The first API key's secret; generated when unset. */
  apiKey?: string;
  /** The administrator's password; generated when unset. */
  adminPassword?: string;
  /** The bureau the first API key serves. */
  bureauCode: string;
}

/** What a fresh install was given, with the secrets that were generated (shown once, never stored in clear). */
export interface BootstrapResult {
  apiKey?: { secret: string; generated: boolean; bureauCode: string };
  admin?: { username: string; password: string; generated: boolean };
}

export const BOOTSTRAP_ADMIN = 'admin';

/**
 * On a fresh install (no API key, no administrator) creates the first of each, so that nobody
 * needs a manual step to get in. Does nothing once they exist.
 */
export async function bootstrapAccess(prisma: PrismaClient, settings: BootstrapSettings): Promise<BootstrapResult> {
  const result: BootstrapResult = {};
  if ((await prisma.apiKey.count()) === 0) {
    const secret = settings.apiKey ?? newSecret('lre_');
    await issueApiKey(prisma, { name: 'bootstrap', bureauCode: settings.bureauCode, secret });
    result.apiKey = { secret, generated: !settings.apiKey, bureauCode: settings.bureauCode };
  }
  if ((await prisma.user.count({ where: { role: 'admin' } })) === 0) {
    const password = settings.adminPassword ?? newSecret().slice(0, 20);
    await createUser(prisma, { username: BOOTSTRAP_ADMIN, displayName: '系统管理员', password, role: 'admin' });
    result.admin = { username: BOOTSTRAP_ADMIN, password, generated: !settings.adminPassword };
  }
  return result;
}
