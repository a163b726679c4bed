import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client';
import { digestSecret, hashPassword, newSecret, passwordMatches } from './secrets';
import type { PersonRole, Principal } from './principal';

/** How long a login lasts without a new one. */
export const SESSION_HOURS = 10;
const API_KEY_PREFIX = 'lre_';

/** Raised when an account cannot be made as asked; `field` names the input at fault. */
export class AccessInputError extends Error {
  override name = 'AccessInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: PersonRole;
  bureauCode?: string | null;
  /** Department id; required for specialists. */
  departmentId?: string | null;
}

/**
 * Creates a person's account. Specialists belong to a department (and so to its bureau),
 * supervisors to a bureau; administrators to none.
 * @throws AccessInputError naming the field when the role and the bureau or department do not fit.
 */
export async function createUser(prisma: PrismaClient, input: NewUser) {
  let bureauCode: string | null = null;
  let departmentId: string | null = null;
  if (input.role === 'specialist') {
    if (!input.departmentId) throw new AccessInputError('departmentId', 'a specialist belongs to a department: give its id');
    const department = await prisma.department.findUnique({ where: { id: input.departmentId } });
    if (!department) throw new AccessInputError('departmentId', `no department ${input.departmentId}; see GET /api/v1/departments`);
    bureauCode = department.bureauCode;
    departmentId = department.id;
  } else if (input.role === 'supervisor') {
    if (!input.bureauCode) throw new AccessInputError('bureauCode', 'a supervisor belongs to a bureau: give its code');
    if (!(await prisma.bureau.findUnique({ where: { code: input.bureauCode } }))) throw new AccessInputError('bureauCode', `no bureau ${input.bureauCode}`);
    bureauCode = input.bureauCode;
  }
  if (await prisma.user.findUnique({ where: { username: input.username } })) {
    throw new AccessInputError('username', `the username ${input.username} is taken`);
  }
  return prisma.user.create({
    data: {
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      bureauCode,
      departmentId,
    },
  });
}

/** Sets a new password and ends the person's open sessions. */
export async function setPassword(prisma: PrismaClient, userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await prisma.$transaction([
    prisma.user.update({ where: { id: userId }, data: { passwordHash } }),
    prisma.userSession.deleteMany({ where: { userId } }),
  ]);
}

/** Disables an account (or enables it again); disabling ends its sessions. */
export async function setUserDisabled(prisma: PrismaClient, userId: string, disabled: boolean): Promise<void> {
  await prisma.$transaction([
    prisma.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } }),
    ...(disabled ? [prisma.userSession.deleteMany({ where: { userId } })] : []),
  ]);
}

/** Checks a username and password; answers the account when they match an enabled one. */
export async function checkPassword(prisma: PrismaClient, username: string, password: string) {
  const user = await prisma.user.findUnique({ where: { username } });
  if (!user || user.disabledAt) {
    // Hash anyway, so that an unknown name takes as long as a wrong password.
    await passwordMatches(DUMMY_HASH, password);
    return null;
  }
  return (await passwordMatches(user.passwordHash, password)) ? user : null;
}
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$9JcXL/KsK2N1nYxRIdjsiA$tBIAixhb95S+yu9Hj5/mnSEJUxasv80yK033qQtfSkQ';

/** Opens a session for a person; the token goes in the cookie, only its digest is stored. */
export async function openSession(prisma: PrismaClient, userId: string): Promise<string> {
  const token = newSecret();
  // Each login sweeps the person's expired sessions, so that the table does not grow without end.
  await prisma.userSession.deleteMany({ where: { userId, expiresAt: { lt: new Date() } } });
  await prisma.userSession.create({
    data: { id: digestSecret(token), userId, expiresAt: new Date(Date.now() + SESSION_HOURS * 3_600_000) },
  });
  return token;
}

/** Ends a session (logout). */
export async function closeSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.userSession.deleteMany({ where: { id: digestSecret(token) } });
}

/** The person behind a session cookie, while the session lasts and the account is enabled. */
export async function principalOfSession(prisma: PrismaClient, token: string): Promise<Principal | null> {
  const session = await prisma.userSession.findUnique({ where: { id: digestSecret(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  const user = session.user;
  const department = user.departmentId ? await prisma.department.findUnique({ where: { id: user.departmentId } }) : null;
  return {
    role: user.role as Exclude<Principal['role'], 'system'>,
    id: user.id,
    name: user.username,
    displayName: user.displayName,
    bureauCode: user.bureauCode,
    departmentId: user.departmentId,
    departmentName: department?.name ?? null,
  };
}

/**
 * Issues an API key for an approval system of one bureau. The secret is returned once; the
 * database keeps its digest and a short hint.
 * @param secret a key chosen by the operator (BOOTSTRAP_API_KEY), else a random one.
 */
export async function issueApiKey(prisma: PrismaClient, input: { name: string; bureauCode: string; secret?: string }) {
  if (!(await prisma.bureau.findUnique({ where: { code: input.bureauCode } }))) throw new AccessInputError('bureauCode', `no bureau ${input.bureauCode}`);
  const secret = input.secret ?? newSecret(API_KEY_PREFIX);
  const key = await prisma.apiKey.create({
    data: { name: input.name, bureauCode: input.bureauCode, secretHash: digestSecret(secret), hint: secret.slice(0, 8) },
  });
  return { key, secret };
}

/** Replaces a key's secret: the old one no longer matches. Answers the new secret, or null for no such live key. */
export async function rotateApiKey(prisma: PrismaClient, id: string) {
  const secret = newSecret(API_KEY_PREFIX);
  const { count } = await prisma.apiKey.updateMany({
    where: { id, revokedAt: null },
    data: { secretHash: digestSecret(secret), hint: secret.slice(0, 8), rotatedAt: new Date() },
  });
  return count === 0 ? null : { key: await prisma.apiKey.findUniqueOrThrow({ where: { id } }), secret };
}

/** Revokes a key for good. Answers false when there is no such key. */
export async function revokeApiKey(prisma: PrismaClient, id: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({ where: { id }, data: { revokedAt: new Date() } });
  return count > 0;
}

/** The approval system behind an API key, unless the key is unknown or revoked. */
export async function principalOfApiKey(prisma: PrismaClient, secret: string): Promise<Principal | null> {
  const key = await prisma.apiKey.findUnique({ where: { secretHash: digestSecret(secret) } });
  if (!key || key.revokedAt) return null;
  return { role: 'system', id: key.id, name: `api-key:${key.name}`, bureauCode: key.bureauCode, departmentId: null, departmentName: null };
}

/** A fresh id for records that need one before they are written. */
export const newId = randomUUID;
