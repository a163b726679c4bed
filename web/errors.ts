import type { ErrorRequestHandler } from 'express';
import { asApiError } from '../api/errors';
import type { AccessControl } from '../api/access';
import type { Logger } from '../runtime/logger';
import { html } from './html';
import { page } from './layout';
import { problemWords } from './context';

const TITLES: Record<number, string> = { 401: '请先登录', 403: '无权访问', 404: '未找到', 429: '请稍后再试', 500: '系统出错' };

/**
 * Errors of the pages (anything outside /api, /simulators and the documents) as an HTML page with
 * the right status; the API's errors go on to its JSON error handler.
 */
export function webErrorPages(logger: Logger, access: AccessControl): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Pages for browsers, which ask for HTML; machine callers (no Accept, or JSON first) get the JSON error.
    if (req.path.startsWith('/api/') || req.path.startsWith('/simulators') || req.accepts(['json', 'html']) !== 'html') return next(error);
    const apiError = asApiError(error);
    if (!apiError) logger.error({ err: error, method: req.method, path: req.path }, 'page failed');
    const status = apiError?.status ?? 500;
    const title = TITLES[status] ?? '无法完成';
    const words = apiError ? problemWords(apiError) : '请求未能完成，已记录日志。';
    res
      .status(status)
      .type('html')
      .send(
        page({
          title,
          principal: req.principal,
          csrfToken: (res.locals.csrfToken as string | undefined) ?? access.csrfToken(req, res),
          body: html`<p role="alert">${words}</p><p><a href="/">返回首页</a></p>`,
        }),
      );
  };
}
