import { Router } from 'express';
import { z } from 'zod';
import { LICENCE_STAGES } from '../domain';
import { searchLicences } from '../services/licence-search';
import { calendarDateOf } from '../services/licence-registration';
import { handle, pageAccess, pageBureau, render, type WebDependencies, blankAsUnset } from './context';
import { html } from './html';
import { STAGE_WORDS } from './words';

const PAGE_SIZE = 50;
const SearchForm = z.object({
  number: z.preprocess(blankAsUnset, z.string().trim().max(64).optional()),
  holder: z.preprocess(blankAsUnset, z.string().trim().max(100).optional()),
  stage: z.preprocess(blankAsUnset, z.enum(LICENCE_STAGES).optional()),
  expiresFrom: z.preprocess(blankAsUnset, z.iso.date().optional()),
  expiresTo: z.preprocess(blankAsUnset, z.iso.date().optional()),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/**
 * Finding a licence: by the start of its number, part of its holder's name, its stage and its
 * expiry; an exact number opens the licence's page at once (the dashboard's search box).
 */
export function licenceSearchPage(deps: WebDependencies): Router {
  const router = Router();

  router.get(
    '/licences',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const asked = SearchForm.safeParse(req.query);
      const form = asked.success ? asked.data : { page: 1 };
      if (form.number && !form.holder && !form.stage) {
        const exact = await deps.prisma.licence.findFirst({ where: { bureauCode: bureau.code, licenceNumber: form.number } });
        if (exact) return res.redirect(303, `/licences/${exact.id}`);
      }
      const filter = { bureau: bureau.code, numberPrefix: form.number, holder: form.holder, stage: form.stage, expiresFrom: form.expiresFrom, expiresTo: form.expiresTo };
      const found = await searchLicences(deps.prisma, filter, { sort: 'expiresOn', order: 'asc', page: form.page, pageSize: PAGE_SIZE });
      const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
      const linkTo = (page: number) => {
        const query = new URLSearchParams(Object.entries({ ...form, page: String(page) }).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
        return `/licences?${query.toString()}`;
      };
      render(req, res, {
        title: `查找证照 · ${bureau.name}`,
        current: '/licences',
        ...(asked.success ? {} : { problem: '请检查查询条件：日期写作 YYYY-MM-DD。' }),
        body: html`
<form method="get" action="/licences" role="search">
  <label for="number">证照编号（开头）</label><input type="text" id="number" name="number" value="${form.number ?? ''}">
  <label for="holder">持证主体（名称中的字）</label><input type="text" id="holder" name="holder" value="${form.holder ?? ''}">
  <label for="stage">阶段</label><select id="stage" name="stage"><option value="">全部</option>${LICENCE_STAGES.map((stage) => html`<option value="${stage}"${form.stage === stage ? html` selected` : ''}>${STAGE_WORDS[stage] ?? stage}</option>`)}</select>
  <label for="expiresFrom">期满日期从</label><input type="date" id="expiresFrom" name="expiresFrom" value="${form.expiresFrom ?? ''}">
  <label for="expiresTo">至</label><input type="date" id="expiresTo" name="expiresTo" value="${form.expiresTo ?? ''}">
  <p><button type="submit">查找</button></p>
</form>
<table>
  <caption>共 ${found.total} 件${pages > 1 ? `，第 ${form.page}/${pages} 页` : ''}</caption>
  <thead><tr><th scope="col">证照编号</th><th scope="col">持证主体</th><th scope="col">证照名称</th><th scope="col">科室</th><th scope="col">期满日期</th><th scope="col">阶段</th></tr></thead>
  <tbody>${found.licences.map(
    (licence) =>
      html`<tr><td><a href="/licences/${licence.id}">${licence.licenceNumber}</a></td><td>${licence.holderName}</td><td>${licence.catalogueEntry.licenceName}</td><td>${licence.catalogueEntry.department.name}</td><td>${calendarDateOf(licence.expiresOn)}</td><td>${STAGE_WORDS[licence.stage] ?? licence.stage}</td></tr>`,
  )}</tbody>
</table>
${pages > 1
  ? html`<nav aria-label="分页">${form.page > 1 ? html`<a href="${linkTo(form.page - 1)}">上一页</a> ` : ''}${form.page < pages ? html`<a href="${linkTo(form.page + 1)}">下一页</a>` : ''}</nav>`
  : ''}`,
      });
    }),
  );

  return router;
}
