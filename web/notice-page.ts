import { Router } from 'express';
import { bureauOr404 } from '../api/bureaus';
import { noticeFeedPath, publishedNotices } from '../services/batch-notices';
import { handle, pageAccess, render, type WebDependencies } from './context';
import { html } from './html';

/**
 * 集中提醒 as a public page: a bureau's latest batch notices, for the portal to link to or frame.
 * Holders who are people appear masked; nothing on it needs a login.
 */
export function noticePage(deps: WebDependencies): Router {
  const router = Router();
  router.get(
    '/notices/:bureau',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const code = String(req.params.bureau);
      const bureau = await bureauOr404(deps.prisma, code, 'params.bureau');
      const notices = await publishedNotices(deps.prisma, bureau.code, 4);
      res.set('link', `<${noticeFeedPath(bureau.code)}>; rel="alternate"; type="application/rss+xml"`);
      render(req, res, {
        title: `${bureau.name}证照到期集中提醒`,
        body: html`
<p>以下证照即将到期。请持证人在申请换证时限内办理换证、延续手续，逾期将影响正常经营。<a href="${noticeFeedPath(bureau.code)}">RSS 订阅</a></p>
${
  notices.length === 0
    ? html`<p>暂无集中提醒。</p>`
    : notices.map(
        (notice) => html`
<section id="${notice.issuedOn}" aria-labelledby="notice-${notice.issuedOn}">
<h2 id="notice-${notice.issuedOn}">${notice.title}</h2>
${
  notice.entries.length === 0
    ? html`<p>本期没有即将到期的证照。</p>`
    : html`<table>
<caption>共 ${notice.entries.length} 张证照</caption>
<thead><tr><th scope="col">证照名称</th><th scope="col">持证人</th><th scope="col">有效期届满</th><th scope="col">申请换证时限</th></tr></thead>
<tbody>${notice.entries.map((entry) => html`<tr><td>${entry.licence}</td><td>${entry.holder}</td><td>${entry.expiresOn}</td><td>${entry.deadline}</td></tr>`)}</tbody>
</table>`
}
</section>`,
      )
}`,
      });
    }),
  );
  return router;
}
