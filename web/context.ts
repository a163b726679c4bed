import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { assertBureau, type AccessControl } from '../api/access';
import type { z } from 'zod';
import { ApiError, asApiError, fieldProblems } from '../api/errors';
import type { PrismaClient } from '../generated/prisma/client';
import type { Principal, Role } from '../services/access/principal';
import type { Clock } from '../services/clock';
import { html, type SafeHtml } from './html';
import { page, type PageOptions } from './layout';

/** What the pages need from the process. */
export interface WebDependencies {
  prisma: PrismaClient;
  temporal: Client;
  access: AccessControl;
  /** What due times and overdue tasks are judged against. */
  clock: Clock;
  /** Where the public reaches this engine; links shared outside it start with it. */
  publicUrl?: string;
}

// The API's error codes in the words a member of staff reads.
const PROBLEM_WORDS: Record<string, string> = {
  task_not_claimable: '该任务已被他人领取或已关闭。',
  task_claimed_by_other: '该任务已由其他专员领取。',
  task_not_held: '只有领取该任务的专员可以退回。',
  task_closed: '该任务已完成或已撤销。',
  guidance_incomplete: '该事项的办事指南尚不完整，请先在“提醒目录”中补全。',
  forbidden: '您无权查看或办理此事项。',
  too_many_failed_logins: '该用户名登录失败次数过多，请稍后再试，或请管理员重置密码。',
  not_found: '未找到该记录。',
  login_failed: '用户名或密码错误。',
  csrf_token_invalid: '页面已过期，请刷新后重试。',
  workflow_unreachable: '流程服务暂不可用，请稍后重试。',
};

/** Where links shared outside the engine point: the public site, not the host this request named. */
export function publicSiteOf(deps: Pick<WebDependencies, 'publicUrl'>, req: Request): string {
  return (deps.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
}

/** An API error in Chinese for the pages. */
export function problemWords(error: ApiError): string {
  if (error.code === 'invalid_request') return `请检查填写内容：${error.fields.map((field) => field.path).join('、')}`;
  return PROBLEM_WORDS[error.code] ?? error.message;
}

// Seals the notices this process puts in a redirect's query, so that a page shows no text a link
// from elsewhere chose (`?problem=请致电…`). Per process: after a restart an old link shows nothing.
const MESSAGE_KEY = randomBytes(32);
type MessageKind = 'notice' | 'problem';
const sealOf = (kind: MessageKind, text: string) => createHmac('sha256', MESSAGE_KEY).update(`${kind}\n${text}`).digest('base64url');

/** A redirect target with a message for the next page, sealed so that only this server's messages are shown. */
export function withMessage(url: string, kind: MessageKind, text: string): string {
  const [target, fragment] = url.split('#', 2) as [string, string | undefined];
  const separator = target.includes('?') ? '&' : '?';
  return `${target}${separator}${kind}=${encodeURIComponent(text)}&seal=${sealOf(kind, text)}${fragment === undefined ? '' : `#${fragment}`}`;
}

function sealedMessage(req: Request, kind: MessageKind): string | undefined {
  const text = req.query[kind];
  const seal = req.query.seal;
  if (typeof text !== 'string' || typeof seal !== 'string') return undefined;
  const expected = Buffer.from(sealOf(kind, text));
  const given = Buffer.from(seal);
  return expected.length === given.length && timingSafeEqual(expected, given) ? text : undefined;
}

/** Renders a page for the request's principal, with its CSRF token and any notice this server sent it to show. */
export function render(req: Request, res: Response, options: Omit<PageOptions, 'csrfToken' | 'principal' | 'notice' | 'problem'> & { status?: number; problem?: string }) {
  const notice = sealedMessage(req, 'notice');
  const problem = options.problem ?? sealedMessage(req, 'problem');
  res
    .status(options.status ?? 200)
    .type('html')
    .set('cache-control', 'no-store')
    .send(page({ ...options, principal: req.principal, csrfToken: res.locals.csrfToken as string, notice, problem }));
}

/**
 * A posted form read by its schema.
 * @throws ApiError (400) naming each field and its problem, which the page shows.
 */
export function formData<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw ApiError.invalid(fieldProblems(result.error));
  return result.data;
}

/** A form sends an empty field as an empty string: for the schema it is a field not given. */
export const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** The signed-in person of a page request (the route's `pageAccess` has checked it). */
export function who(req: Request): Principal {
  return req.principal!;
}

/**
 * Page access: a visitor who is not logged in goes to the login page; a person outside the roles
 * gets a 403 page. Also makes the CSRF token for the page's forms.
 */
export function pageAccess(deps: WebDependencies, roles: readonly Role[] | 'anyone'): RequestHandler {
  return (req, res, next) => {
    res.locals.csrfToken = deps.access.csrfToken(req, res);
    if (roles === 'anyone') return next();
    if (!req.principal || req.authenticatedBy !== 'session') {
      if (req.method === 'GET') return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return next(new ApiError(401, 'unauthenticated', '请先登录。'));
    }
    if (!roles.includes(req.principal.role)) return next(new ApiError(403, 'forbidden', 'outside role'));
    next();
  };
}

/** Wraps an async page handler so that its errors reach the error page. */
export function handle(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/**
 * Wraps a form's handler: a refusal in the domain (409, 400) sends the person back to `back` with
 * the problem in words; 401, 403 and 404 show the error page with their status.
 */
export function formAction(back: (req: Request) => string, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch((error: unknown) => {
      const refused = asApiError(error);
      if (refused && (refused.status === 400 || refused.status === 409 || refused.status === 503)) {
        return res.redirect(303, withMessage(back(req), 'problem', problemWords(refused)));
      }
      next(error);
    });
  };
}

/**
 * The bureau a page shows: a bureau's staff see their own; an administrator picks one with
 * `?bureau=` (or a form's `bureau` field), else the first.
 */
export async function pageBureau(deps: WebDependencies, req: Request) {
  const principal = who(req);
  const fromForm = typeof req.body?.bureau === 'string' ? (req.body.bureau as string) : undefined;
  const asked = typeof req.query.bureau === 'string' ? req.query.bureau : fromForm;
  const code = asked ?? principal.bureauCode ?? (await deps.prisma.bureau.findFirst({ orderBy: { code: 'asc' } }))?.code;
  if (!code) throw ApiError.notFound('Bureau');
  assertBureau(principal, code);
  const bureau = await deps.prisma.bureau.findUnique({ where: { code } });
  if (!bureau) throw ApiError.notFound(`Bureau ${code}`);
  return bureau;
}

/** For an administrator, who serves every bureau: links to the same page of each bureau. */
export async function bureauTabs(deps: WebDependencies, req: Request, current: { code: string }, path: string): Promise<SafeHtml | ''> {
  if (who(req).role !== 'admin') return '';
  const bureaus = await deps.prisma.bureau.findMany({ orderBy: { code: 'asc' } });
  return html`<nav class="tabs" aria-label="审批局">${bureaus.map(
    (bureau) => html`<a href="${path}?bureau=${encodeURIComponent(bureau.code)}"${bureau.code === current.code ? html` aria-current="page"` : ''}>${bureau.name}</a>`,
  )}</nav>`;
}
