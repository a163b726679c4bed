import { Router } from 'express';
import { bureauOr404 } from '../api/bureaus';
import { noticeFeedPath, noticePagePath, publishedNotices, type PublishedNotice } from '../services/batch-notices';
import { noticePosterPng } from '../services/notice-poster';
import { keptLookups } from '../runtime/kept-lookups';
import type { Request } from 'express';
import { handle, pageAccess, publicSiteOf, render, type WebDependencies } from './context';
import { html } from './html';

/**
 * 集中提醒 as a public page: a bureau's latest batch notices, for the portal to link to or frame.
 * Holders who are people appear masked; nothing on it needs a login.
 */
export function noticePage(deps: WebDependencies): Router {
  const router = Router();
  const siteOf = (req: Request) => publicSiteOf(deps, req);
  const posterPath = (code: string) => `${noticePagePath(code)}/poster.png`;
  // Drawing a poster takes a fifth of a second of CPU and anyone may ask for it: each notice's
  // poster is drawn once (concurrent asks share the drawing) and kept while it is the latest.
  const posters = keptLookups({
    keyOf: (poster: { bureauName: string; notice: PublishedNotice | undefined; pageUrl: string }) => `${poster.pageUrl}|${poster.notice?.id ?? 'none'}`,
    lookup: (poster) => noticePosterPng(poster.bureauName, poster.notice, poster.pageUrl),
    ttlSeconds: 3600,
    max: 100,
  });

  router.get(
    '/notices/:bureau/poster.png',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const bureau = await bureauOr404(deps.prisma, String(req.params.bureau), 'params.bureau');
      const [latest] = await publishedNotices(deps.prisma, bureau.code, 1);
      const png = (await posters.get({ bureauName: bureau.name, notice: latest, pageUrl: `${siteOf(req)}${noticePagePath(bureau.code)}` }))!;
      res
        .type('png')
        .set('cache-control', 'public, max-age=300')
        .set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${bureau.name}证照到期集中提醒${latest ? `-${latest.issuedOn}` : ''}.png`)}`)
        .send(png);
    }),
  );

  router.get(
    '/notices/:bureau',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const code = String(req.params.bureau);
      const bureau = await bureauOr404(deps.prisma, code, 'params.bureau');
      const notices = await publishedNotices(deps.prisma, bureau.code, 4);
      res.set('link', `<${noticeFeedPath(bureau.code)}>; rel="alternate"; type="application/rss+xml"`);
      const latest = notices[0];
      render(req, res, {
        title: `${bureau.name}证照到期集中提醒`,
        share: {
          title: `${bureau.name}证照到期集中提醒`,
          description: latest ? `${latest.issuedOn}：${latest.entries.length} 张证照即将到期，请持证人及时办理换证、延续手续。` : '请持证人在申请换证时限内办理换证、延续手续。',
          imageUrl: `${siteOf(req)}${posterPath(bureau.code)}`,
        },
        body: html`
<p>以下证照即将到期。请持证人在申请换证时限内办理换证、延续手续，逾期将影响正常经营。<a href="${noticeFeedPath(bureau.code)}">RSS 订阅</a> · <a href="${posterPath(bureau.code)}" download>下载朋友圈海报</a></p>
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
