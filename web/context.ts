import type { Client } from '@temporalio/client';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessControl } from '../api/access';
import { ApiError } from '../api/errors';
import type { PrismaClient } from '../generated/prisma/client';
import type { Principal, Role } from '../services/access/principal';
import { page, type PageOptions } from './layout';

/** What the pages need from the process. */
export interface WebDependencies {
  prisma: PrismaClient;
  temporal: Client;
  access: AccessControl;
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

/** An API error in Chinese for the pages. */
export function problemWords(error: ApiError): string {
  if (error.code === 'invalid_request') return `请检查填写内容：${error.fields.map((field) => field.path).join('、')}`;
  return PROBLEM_WORDS[error.code] ?? error.message;
}

/** Renders a page for the request's principal, with its CSRF token and any notice from the query. */
export function render(req: Request, res: Response, options: Omit<PageOptions, 'csrfToken' | 'principal' | 'notice' | 'problem'> & { status?: number; problem?: string }) {
  const notice = typeof req.query.notice === 'string' ? req.query.notice : undefined;
  const problem = options.problem ?? (typeof req.query.problem === 'string' ? req.query.problem : undefined);
  res
    .status(options.status ?? 200)
    .type('html')
    .set('cache-control', 'no-store')
    .send(page({ ...options, principal: req.principal, csrfToken: res.locals.csrfToken as string, notice, problem }));
}

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
      if (error instanceof ApiError && (error.status === 400 || error.status === 409 || error.status === 503)) {
        return res.redirect(303, `${back(req)}?problem=${encodeURIComponent(problemWords(error))}`);
      }
      next(error);
    });
  };
}
