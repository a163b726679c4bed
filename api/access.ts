/**
 * Access control for every router of the API and the web pages.
 *
 * - `authenticate` (mounted once in `createApp`) finds who is calling: an approval system by its
 *   API key (`Authorization: Bearer <key>` or `X-Api-Key`), or a person by the session cookie.
 * - `csrfProtection` (mounted once) refuses a mutation made with the session cookie unless it
 *   carries the CSRF token (form field `_csrf` or header `X-CSRF-Token`); key-authenticated calls
 *   need none, since no browser sends a key by itself.
 * - `auditMutations` (mounted once) writes one audit entry per successful mutation, with its actor.
 *
 * A new route declares who may call it:
 * - routes made with `defineRoute` give `access: ['system', 'supervisor', …]` (or `'public'`) in
 *   their spec, and read `principal` from the validated request;
 * - any other router puts `requireAccess([...roles])` in front of its handlers, e.g.
 *   `router.get('/letters/:id.pdf', requireAccess(['specialist', 'supervisor']), handler)`, and reads
 *   `req.principal`. A route for an outside caller with its own proof (a provider's signature)
 *   declares nothing and checks that proof itself.
 * Both answer 401 to an anonymous caller and 403 to a caller outside the roles, before anything runs.
 */
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler, Response } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { WriteBatcher } from '../runtime/write-batcher';
import { insertAuditEntries, type AuditEntryInput } from '../services/access/audit-trail';
import { cachedApiKeyPrincipals } from '../services/access/api-key-cache';
import { principalOfSession } from '../services/access/credentials';
import { newSecret } from '../services/access/secrets';
import type { Principal, Role } from '../services/access/principal';
import { assertBureau, assertDepartment } from '../services/access/scope';

export { assertBureau, assertDepartment };
import { ApiError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is calling; unset for anonymous requests. */
    principal?: Principal;
    /** How the principal proved itself. */
    authenticatedBy?: 'api-key' | 'session';
  }
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'lre_session';
const CSRF_COOKIE = 'lre_csrf';
const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Who may call a route: some roles, or anyone. */
export type Access = readonly Role[] | 'public';

export interface AccessOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Marks cookies Secure (set when the pages are served over HTTPS). */
  secureCookies?: boolean;
  /** Signs CSRF tokens; a random one per process when unset (open forms then need a reload after a restart). */
  csrfSecret?: string;
  /** How long a live API key's principal is kept between requests; {@link DEFAULT_API_KEY_CACHE_SECONDS} when unset, 0 for never. */
  apiKeyCacheSeconds?: number;
}

/** How long a live API key's principal is kept between requests, unless configured. */
export const DEFAULT_API_KEY_CACHE_SECONDS = 5;

/** The middleware set that {@link createApp} mounts in front of every router. */
export interface AccessControl {
  cookies: RequestHandler;
  authenticate: RequestHandler;
  csrfProtection: RequestHandler;
  auditMutations: RequestHandler;
  /** A CSRF token for the forms of a page (sets its cookie on the response). */
  csrfToken(req: Request, res: Response): string;
  /** Cookie options for the session cookie. */
  sessionCookie: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/' };
  /** Forgets the API keys' kept principals, so that a key revoked or rotated stops working at once. */
  forgetApiKeys(): void;
}

const OWN_TOKEN_PATHS = ['/codec', '/metrics'];

/** Builds the access-control middleware; see the module comment for how routes use it. */
export function accessControl(options: AccessOptions): AccessControl {
  const keyUseWrittenAt = new Map<string, number>();
  const apiKeys = cachedApiKeyPrincipals(options.prisma, options.apiKeyCacheSeconds ?? DEFAULT_API_KEY_CACHE_SECONDS);
  // Under load many mutations finish together: their entries go to the database in one statement.
  const auditEntries = new WriteBatcher<AuditEntryInput>((entries) => insertAuditEntries(options.prisma, entries));
  const secureCookies = options.secureCookies ?? false;
  const csrfSecret = options.csrfSecret ?? newSecret();
  const csrf = doubleCsrf({
    getSecret: () => csrfSecret,
    // A token belongs to one session; before login, to the anonymous visitor.
    getSessionIdentifier: (req) => (req.cookies?.[SESSION_COOKIE] as string | undefined) ?? 'anonymous',
    cookieName: CSRF_COOKIE,
    cookieOptions: { sameSite: 'lax', secure: secureCookies, path: '/', httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
    // Only the session cookie is an ambient credential a forged page could borrow, and the login
    // form is protected against login CSRF. Key-authenticated and anonymous calls need no token (an
    // anonymous one is refused by the route's access anyway).
    skipCsrfProtection: (req) => !(req.authenticatedBy === 'session' || req.path === '/login'),
  });

  const authenticate: RequestHandler = async (req, _res, next) => {
    // The codec and the metrics check their own operator tokens, sent as bearer tokens too: not API keys.
    if (OWN_TOKEN_PATHS.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`))) {
      next();
      return;
    }
    try {
      const header = req.headers.authorization;
      const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : (req.headers['x-api-key'] as string | undefined);
      if (key) {
        const principal = await apiKeys.principalOf(key);
        // A wrong key is an error of its own, never a fall-back to anonymous.
        if (!principal) throw new ApiError(401, 'api_key_invalid', 'The API key is unknown or revoked: ask the administrator for a valid one.');
        req.principal = principal;
        req.authenticatedBy = 'api-key';
        // Last use to the minute: one write a minute per key, not one per request.
        const now = Date.now();
        if (now - (keyUseWrittenAt.get(principal.id) ?? 0) >= 60_000) {
          keyUseWrittenAt.set(principal.id, now);
          void options.prisma.apiKey.update({ where: { id: principal.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
        }
      } else {
        const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
        const principal = token ? await principalOfSession(options.prisma, token) : null;
        if (principal) {
          req.principal = principal;
          req.authenticatedBy = 'session';
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };

  const csrfProtection: RequestHandler = (req, res, next) => {
    csrf.doubleCsrfProtection(req, res, (error?: unknown) => {
      if (error) next(new ApiError(403, 'csrf_token_invalid', 'The form or request lacks a valid CSRF token: reload the page and send it again.'));
      else next();
    });
  };

  const auditMutations: RequestHandler = (req, res, next) => {
    if (MUTATIONS.has(req.method)) {
      res.on('finish', () => {
        const principal = req.principal;
        if (res.statusCode === 401 || res.statusCode === 403) {
          // Refused attempts change nothing, so they are no audit entries; the log keeps them for security review.
          options.logger.warn({ actor: principal?.name ?? 'anonymous', method: req.method, path: req.path, status: res.statusCode }, 'mutation refused');
          return;
        }
        if (!principal || res.statusCode >= 400) return;
        auditEntries
          .add({
            at: new Date(),
            actorKind: principal.role,
            actorId: principal.id,
            actorName: principal.name,
            method: req.method,
            path: req.originalUrl.split('?')[0]!,
            status: res.statusCode,
          })
          .catch((error: unknown) => options.logger.error({ err: error }, 'audit entry not written'));
      });
    }
    next();
  };

  return {
    cookies: cookieParser(),
    authenticate,
    csrfProtection,
    auditMutations,
    csrfToken: (req, res) => csrf.generateCsrfToken(req, res, { overwrite: false }),
    sessionCookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/' },
    forgetApiKeys: () => apiKeys.forget(),
  };
}

/**
 * Checks a request against a route's access: 401 when nobody is logged in, 403 when the caller's
 * role is not among those allowed.
 * @returns the principal (undefined only on public routes).
 */
export function authorize(access: Access, req: Request): Principal | undefined {
  if (access === 'public') return req.principal;
  if (!req.principal) throw new ApiError(401, 'unauthenticated', 'Log in, or send an API key as "Authorization: Bearer <key>".');
  if (!access.includes(req.principal.role)) {
    throw new ApiError(403, 'forbidden', `A ${req.principal.role} may not do this; it needs one of: ${access.join(', ')}.`);
  }
  return req.principal;
}

/** Middleware form of {@link authorize}, for routers that do not use `defineRoute`. */
export function requireAccess(access: Access): RequestHandler {
  return (req, _res, next) => {
    try {
      authorize(access, req);
      next();
    } catch (error) {
      next(error);
    }
  };
}
