import { Router } from 'express';
import { logIn } from '../api/access-routes';
import { SESSION_COOKIE } from '../api/access';
import { ApiError } from '../api/errors';
import { closeSession } from '../services/access/credentials';
import type { Role } from '../services/access/principal';
import { handle, pageAccess, problemWords, render, type WebDependencies, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';

/** Each role's first page after login. */
export const HOME: Record<Role, string> = { specialist: '/inbox', supervisor: '/dashboard', admin: '/dashboard', system: '/docs' };

const OWN_ORIGIN = 'http://engine.invalid';

/**
 * Where to go after login: a path on this site only. Browsers read `/\host` and `/<tab>/host` as
 * `//host`, so backslashes and control characters are refused, and the path must resolve here.
 */
function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || /[\\\p{Cc}]/u.test(next)) return undefined;
  const resolved = new URL(next, OWN_ORIGIN);
  return resolved.origin === OWN_ORIGIN ? `${resolved.pathname}${resolved.search}${resolved.hash}` : undefined;
}

/** Login, logout and the home redirect. */
export function authPages(deps: WebDependencies): Router {
  const router = Router();

  const loginForm = (token: string, next: string | undefined, username = '') => html`
<form method="post" action="/login" class="login">
  ${csrfField(token)}
  <input type="hidden" name="next" value="${next ?? ''}">
  <label for="username">用户名</label>
  <input type="text" id="username" name="username" autocomplete="username" required autofocus value="${username}">
  <label for="password">密码</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <p><button type="submit">登录</button></p>
</form>`;

  router.get(
    '/',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => res.redirect(303, req.principal && req.authenticatedBy === 'session' ? HOME[req.principal.role] : '/login')),
  );

  router.get(
    '/login',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      render(req, res, { title: '登录', body: loginForm(res.locals.csrfToken as string, safeNext(req.query.next)) });
    }),
  );

  router.post(
    '/login',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const { username, password, next } = req.body as Record<string, string | undefined>;
      try {
        const principal = await logIn({ prisma: deps.prisma, access: deps.access }, res, String(username ?? ''), String(password ?? ''));
        res.redirect(303, safeNext(next) ?? HOME[principal.role]);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        render(req, res, { title: '登录', status: 401, problem: problemWords(error), body: loginForm(res.locals.csrfToken as string, safeNext(next), String(username ?? '')) });
      }
    }),
  );

  router.post(
    '/logout',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
      if (token) await closeSession(deps.prisma, token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, withMessage('/login', 'notice', '已退出登录。'));
    }),
  );

  return router;
}

