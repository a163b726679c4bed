import { Router } from 'express';
import { adminPage } from './admin-page';
import { calendarPage } from './calendar-page';
import { authPages } from './auth-pages';
import { cataloguePages } from './catalogue-pages';
import type { CatalogueEntryCache } from '../services/licence-registration';
import type { WebDependencies } from './context';
import { inboxPages } from './inbox-pages';
import { STYLESHEET } from './layout';
import { licencePage } from './licence-page';
import { licenceSearchPage } from './licence-search-page';
import { noticePage } from './notice-page';
import { supervisionPages } from './supervision-pages';
import { outcomePage } from './outcome-page';
import { regulatorPages } from './regulator-pages';
import { inspectionRunPages } from './inspection-run-pages';
import { wechatBindingPages } from './wechat-binding-pages';
import type { WechatClient } from '../activities/wechat/client';

export { webErrorPages } from './errors';
export type { WebDependencies } from './context';

/**
 * The staff pages, server-rendered in Chinese by the API process: login, the specialists' inbox,
 * the licence page with its timeline, the supervisors' dashboard and inspection report, the
 * catalogue, the working-day calendar, and the administrator's accounts and keys. Forms post back here with a CSRF token.
 */
export function webPages(deps: WebDependencies & { taskQueue: string; catalogueEntries: CatalogueEntryCache; wechat?: WechatClient }): Router {
  const router = Router();
  router.get('/assets/app.css', (_req, res) => {
    res.type('css').set('cache-control', 'public, max-age=86400').send(STYLESHEET);
  });
  router.use(authPages(deps));
  router.use(inboxPages(deps));
  router.use(licenceSearchPage(deps));
  router.use(licencePage(deps));
  router.use(supervisionPages(deps));
  router.use(inspectionRunPages(deps));
  router.use(outcomePage(deps));
  router.use(cataloguePages(deps));
  router.use(regulatorPages(deps));
  router.use(calendarPage(deps));
  router.use(adminPage(deps));
  router.use(noticePage(deps));
  router.use(wechatBindingPages(deps));
  return router;
}
