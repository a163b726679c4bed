import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import {
  AccessInputError,
  checkPassword,
  closeSession,
  createUser,
  issueApiKey,
  openSession,
  principalOfSession,
  revokeApiKey,
  rotateApiKey,
  setPassword,
  setUserDisabled,
  SESSION_HOURS,
} from '../services/access/credentials';
import { PERSON_ROLES, type Principal } from '../services/access/principal';
import { SESSION_COOKIE, type AccessControl } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, identifier, nameText, text } from './schemas';
import { PasswordSchema } from '../services/access/password-strength';

export interface AccessRoutesDependencies {
  prisma: PrismaClient;
  access: AccessControl;
}

const Password = PasswordSchema;

const PrincipalView = z
  .object({
    role: z.enum(['system', ...PERSON_ROLES]),
    name: z.string(),
    displayName: z.string().optional(),
    bureau: z.string().nullable(),
    department: z.string().nullable(),
  })
  .openapi('Principal');

const UserView = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(PERSON_ROLES),
    bureau: z.string().nullable(),
    departmentId: z.string().nullable(),
    disabled: z.boolean(),
  })
  .openapi('User');

const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    bureau: z.string(),
    hint: z.string().openapi({ description: "The key's first characters" }),
    createdAt: z.iso.datetime(),
    rotatedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .openapi('ApiKey');

const IssuedKey = ApiKeyView.extend({ secret: z.string().openapi({ description: 'Shown once: store it in the approval system now' }) }).openapi('IssuedApiKey');

const principalView = (principal: Principal): z.infer<typeof PrincipalView> => ({
  role: principal.role,
  name: principal.name,
  ...('displayName' in principal ? { displayName: principal.displayName } : {}),
  bureau: principal.bureauCode,
  department: principal.departmentName,
});

type UserRow = Awaited<ReturnType<PrismaClient['user']['findUniqueOrThrow']>>;
const userView = (user: UserRow): z.infer<typeof UserView> => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role as z.infer<typeof UserView>['role'],
  bureau: user.bureauCode,
  departmentId: user.departmentId,
  disabled: user.disabledAt !== null,
});

type KeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findUniqueOrThrow']>>;
const keyView = (key: KeyRow): z.infer<typeof ApiKeyView> => ({
  id: key.id,
  name: key.name,
  bureau: key.bureauCode,
  hint: key.hint,
  createdAt: key.createdAt.toISOString(),
  rotatedAt: key.rotatedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

/** Turns an account the service could not make into a 400 naming the field. */
async function asFieldError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccessInputError) throw ApiError.invalid([{ path: error.field, message: error.message }]);
    throw error;
  }
}

/**
 * Logs a person in: checks the password, opens a session and sets its cookie.
 * @throws ApiError 401 for a wrong username or password (without saying which).
 */
export async function logIn(deps: AccessRoutesDependencies, res: Response, username: string, password: string) {
  const user = await checkPassword(deps.prisma, username, password);
  if (!user) throw new ApiError(401, 'login_failed', 'The username or the password is wrong.');
  const token = await openSession(deps.prisma, user.id);
  res.cookie(SESSION_COOKIE, token, { ...deps.access.sessionCookie, maxAge: SESSION_HOURS * 3_600_000 });
  const principal = (await principalOfSession(deps.prisma, token))!;
  // Later middleware of this request (the audit entry, a CSRF token bound to the new session) sees the person.
  res.req.cookies[SESSION_COOKIE] = token;
  res.req.principal = principal;
  res.req.authenticatedBy = 'session';
  return principal;
}

/** Sessions (login, logout, who am I), people's accounts and approval systems' API keys. */
export function accessRoutes(registry: OpenAPIRegistry, deps: AccessRoutesDependencies): Router {
  const router = Router();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: "An approval system's API key" });
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'A person logged in; mutations also need the X-CSRF-Token header' });

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/session',
      summary: 'Log in with a username and password; sets the session cookie',
      description: 'Answers the CSRF token that every later mutation made with the same login sends as X-CSRF-Token.',
      tags: ['access'],
      access: 'public',
      body: z.strictObject({ username: text(100), password: z.string().min(1).max(200) }).openapi('Login'),
      responses: {
        200: json(z.object({ principal: PrincipalView, csrfToken: z.string() }), 'Logged in'),
        401: json(ErrorBody, 'Wrong username or password'),
        429: json(ErrorBody, 'Too many failed logins from this address, or for this username from it'),
      },
    },
    async ({ body, raw }) => {
      const res = raw.res!;
      const principal = await logIn(deps, res, body.username, body.password);
      return { status: 200, body: { principal: principalView(principal), csrfToken: deps.access.csrfToken(raw, res) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/session',
      summary: 'Who is calling',
      tags: ['access'],
      access: ['system', ...PERSON_ROLES],
      responses: { 200: json(z.object({ principal: PrincipalView }), 'The caller') },
    },
    async ({ principal }) => ({ status: 200, body: { principal: principalView(principal) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/api/v1/session',
      summary: 'Log out',
      tags: ['access'],
      access: [...PERSON_ROLES],
      responses: { 204: { description: 'Logged out' } },
    },
    async ({ raw }) => {
      await closeSession(deps.prisma, raw.cookies[SESSION_COOKIE] as string);
      raw.res!.clearCookie(SESSION_COOKIE, { path: '/' });
      return { status: 204, body: undefined };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/users',
      summary: 'Every account',
      tags: ['access'],
      access: ['admin'],
      responses: { 200: json(z.object({ users: z.array(UserView) }), 'The accounts') },
    },
    async () => ({ status: 200, body: { users: (await deps.prisma.user.findMany({ orderBy: { username: 'asc' } })).map(userView) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/users',
      summary: "Create a person's account",
      description: 'A specialist needs departmentId (its bureau follows); a supervisor needs bureauCode; an administrator neither.',
      tags: ['access'],
      access: ['admin'],
      body: z
        .strictObject({
          username: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'must be 2–40 lower-case letters, digits, dots, dashes or underscores'),
          displayName: nameText(100),
          password: Password,
          role: z.enum(PERSON_ROLES),
          bureauCode: text(64).optional(),
          departmentId: text(120).optional(),
        })
        .openapi('NewUser'),
      responses: { 201: json(UserView, 'Created'), 400: json(ErrorBody, 'A bad field, or a role without its bureau or department') },
    },
    async ({ body }) => ({ status: 201, body: userView(await asFieldError(() => createUser(deps.prisma, body))) }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'patch',
      path: '/api/v1/users/{id}',
      summary: 'Set a new password, or disable or enable an account',
      tags: ['access'],
      access: ['admin'],
      params: z.object({ id: z.uuid() }),
      body: z.strictObject({ password: Password.optional(), disabled: z.boolean().optional() }).openapi('UserChange'),
      responses: { 200: json(UserView, 'Changed'), 404: json(ErrorBody, 'No such account') },
    },
    async ({ params, body }) => {
      if (!(await deps.prisma.user.findUnique({ where: { id: params.id } }))) throw ApiError.notFound(`User ${params.id}`, 'params.id');
      if (body.password) await setPassword(deps.prisma, params.id, body.password);
      if (body.disabled !== undefined) await setUserDisabled(deps.prisma, params.id, body.disabled);
      return { status: 200, body: userView(await deps.prisma.user.findUniqueOrThrow({ where: { id: params.id } })) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/api-keys',
      summary: "The approval systems' API keys (never their secrets)",
      tags: ['access'],
      access: ['admin'],
      responses: { 200: json(z.object({ keys: z.array(ApiKeyView) }), 'The keys') },
    },
    async () => ({ status: 200, body: { keys: (await deps.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } })).map(keyView) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/api-keys',
      summary: 'Issue an API key for an approval system of one bureau',
      tags: ['access'],
      access: ['admin'],
      body: z.strictObject({ name: nameText(100), bureauCode: identifier(64) }).openapi('NewApiKey'),
      responses: { 201: json(IssuedKey, 'Issued; the secret is shown this once'), 400: json(ErrorBody, 'A bad field or an unknown bureau') },
    },
    async ({ body }) => {
      const { key, secret } = await asFieldError(() => issueApiKey(deps.prisma, body));
      return { status: 201, body: { ...keyView(key), secret } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/api-keys/{id}/rotate',
      summary: "Replace a key's secret; the old one stops working",
      description: 'At once on this API process; on other API processes within API_KEY_CACHE_SECONDS (5 s), which keep a live key that long between requests.',
      tags: ['access'],
      access: ['admin'],
      params: z.object({ id: z.uuid() }),
      responses: { 200: json(IssuedKey, 'The new secret, shown this once'), 404: json(ErrorBody, 'No such live key') },
    },
    async ({ params }) => {
      const rotated = await rotateApiKey(deps.prisma, params.id);
      if (!rotated) throw ApiError.notFound(`Live API key ${params.id}`, 'params.id');
      deps.access.forgetApiKeys();
      return { status: 200, body: { ...keyView(rotated.key), secret: rotated.secret } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/api-keys/{id}/revoke',
      summary: 'Revoke a key for good',
      description: 'It stops working at once on this API process; on other API processes within API_KEY_CACHE_SECONDS (5 s).',
      tags: ['access'],
      access: ['admin'],
      params: z.object({ id: z.uuid() }),
      responses: { 200: json(ApiKeyView, 'Revoked'), 404: json(ErrorBody, 'No such key') },
    },
    async ({ params }) => {
      if (!(await revokeApiKey(deps.prisma, params.id))) throw ApiError.notFound(`API key ${params.id}`, 'params.id');
      deps.access.forgetApiKeys();
      return { status: 200, body: keyView(await deps.prisma.apiKey.findUniqueOrThrow({ where: { id: params.id } })) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/audit',
      summary: 'The latest mutations with their actors',
      tags: ['access'],
      access: ['admin'],
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      responses: {
        200: json(
          z.object({ entries: z.array(z.object({ at: z.iso.datetime(), actorKind: z.string(), actorName: z.string(), method: z.string(), path: z.string(), status: z.number() })) }),
          'The entries, newest first',
        ),
      },
    },
    async ({ query }) => {
      const entries = await deps.prisma.auditEntry.findMany({ orderBy: { at: 'desc' }, take: query.limit });
      return {
        status: 200,
        body: { entries: entries.map((entry) => ({ at: entry.at.toISOString(), actorKind: entry.actorKind, actorName: entry.actorName, method: entry.method, path: entry.path, status: entry.status })) },
      };
    },
  );

  return router;
}
