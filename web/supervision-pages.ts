import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '../api/errors';
import { LICENCE_STAGES } from '../domain';
import { acknowledgeAlert, bureauAlerts, findAlert } from '../services/alerts';
import { bureauDashboard, inspectionReport } from '../services/dashboard';
import { uncoveredYearsAhead } from '../services/working-calendar';
import { assertBureau } from '../api/access';
import { bureauTabs, formAction, handle, pageAccess, pageBureau, render, type WebDependencies, who, withMessage } from './context';
import { html } from './html';
import { uncoveredYearsWarning } from './calendar-page';
import { csrfField } from './layout';
import { ALERT_KIND_WORDS, shanghaiTime, STAGE_WORDS, TASK_KIND_WORDS } from './words';

const AlertId = z.uuid();

/** The supervisors' dashboard and the inspection report (督促检查), with the ledger and report downloads. */
export function supervisionPages(deps: WebDependencies): Router {
  const router = Router();
  const supervisors = pageAccess(deps, ['supervisor', 'admin']);

  router.get(
    '/dashboard',
    supervisors,
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const now = await deps.clock();
      const [dashboard, uncovered] = await Promise.all([bureauDashboard(deps.prisma, bureau.code, now), uncoveredYearsAhead(deps.prisma, now)]);
      const q = `bureau=${encodeURIComponent(bureau.code)}`;
      render(req, res, {
        title: `督查总览 · ${bureau.name}`,
        current: '/dashboard',
        body: html`
${await bureauTabs(deps, req, bureau, '/dashboard')}
${uncoveredYearsWarning(uncovered)}
<form method="get" action="/licences" role="search">
  <label for="number">按证照编号查看办理时间线</label>
  <input type="text" id="number" name="number" required>
  <button type="submit">查看</button>
</form>
<h2>即将到期（未办结）</h2>
<div class="cards">
  <p class="card">30 天内<strong>${dashboard.expiring.within30}</strong></p>
  <p class="card">60 天内<strong>${dashboard.expiring.within60}</strong></p>
  <p class="card">90 天内<strong>${dashboard.expiring.within90}</strong></p>
  <p class="card">逾期任务<strong>${dashboard.overdueTasks.length}</strong></p>
</div>
<h2 id="stages">各科室证照阶段</h2>
<table aria-labelledby="stages">
  <thead><tr><th scope="col">科室</th>${LICENCE_STAGES.map((stage) => html`<th scope="col">${STAGE_WORDS[stage]}</th>`)}<th scope="col">合计</th></tr></thead>
  <tbody>${dashboard.byStage.map(
    (row) => html`<tr><th scope="row">${row.department}</th>${LICENCE_STAGES.map((stage) => html`<td class="num">${row.counts[stage]}</td>`)}<td class="num">${row.total}</td></tr>`,
  )}</tbody>
</table>
<h2 id="overdue">逾期任务（已上报督查）</h2>
${
  dashboard.overdueTasks.length === 0
    ? html`<p>没有逾期任务。</p>`
    : html`<table aria-labelledby="overdue">
  <thead><tr><th scope="col">科室</th><th scope="col">任务</th><th scope="col">证照编号</th><th scope="col">持证主体</th><th scope="col">办理期限</th><th scope="col">领取人</th><th scope="col">上报时间</th></tr></thead>
  <tbody>${dashboard.overdueTasks.map(
    (task) => html`<tr><td>${task.department}</td><td>${TASK_KIND_WORDS[task.kind] ?? task.kind}</td><td><a href="/licences/${task.licenceId}">${task.licenceNumber}</a></td><td>${task.holderName}</td><td class="overdue">${shanghaiTime(task.dueAt, bureau.timeZone)}</td><td>${task.claimedBy ?? '未领取'}</td><td>${task.escalatedAt ? shanghaiTime(task.escalatedAt, bureau.timeZone) : '待上报'}</td></tr>`,
  )}</tbody>
</table>`
}
<h2>导出</h2>
<p><a class="button" href="/api/v1/ledger?${q}&amp;format=xlsx" download>下载提醒台账（Excel）</a>
<a class="button" href="/inspection?${q}">查看督促检查报告</a></p>`,
      });
    }),
  );

  router.get(
    '/inspection',
    supervisors,
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const report = await inspectionReport(deps.prisma, bureau.code, await deps.clock());
      const q = `bureau=${encodeURIComponent(bureau.code)}`;
      render(req, res, {
        title: `督促检查 · ${bureau.name}`,
        current: '/inspection',
        body: html`
${await bureauTabs(deps, req, bureau, '/inspection')}
<p><a class="button" href="/api/v1/inspection-report?${q}&amp;format=xlsx" download>导出督促检查报告（Excel）</a>
<a class="button" href="/api/v1/ledger?${q}&amp;format=xlsx" download>下载提醒台账（Excel）</a>
<a class="button" href="/inspection/runs?${q}">历次检查与整改跟进</a></p>
<table>
  <caption>各科室检查结果</caption>
  <thead><tr><th scope="col">科室</th><th scope="col">提醒期内未提醒的证照</th><th scope="col">逾期任务</th><th scope="col">台账缺项</th></tr></thead>
  <tbody>${report.map(
    (section) => html`<tr>
  <th scope="row">${section.department}</th>
  <td>${section.unremindedLicences.length === 0 ? '无' : html`<ul>${section.unremindedLicences.map((licence) => html`<li><a href="/licences/${licence.id}">${licence.licenceNumber}</a> ${licence.holderName}（${licence.expiresOn} 到期）</li>`)}</ul>`}</td>
  <td class="num">${section.overdueTasks}</td>
  <td>${section.incompleteLedgerRows.length === 0 ? '无' : html`<ul>${section.incompleteLedgerRows.map((row) => html`<li>${row.licenceNumber}（${row.remindedOn}）缺少：${row.missing.join('、')}</li>`)}</ul>`}</td>
</tr>`,
  )}</tbody>
</table>`,
      });
    }),
  );

  router.get(
    '/alerts',
    supervisors,
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const all = req.query.status === 'all';
      const alerts = await bureauAlerts(deps.prisma, bureau.code, all ? 'all' : 'open', 200);
      const q = `bureau=${encodeURIComponent(bureau.code)}`;
      const token = res.locals.csrfToken as string;
      render(req, res, {
        title: `督查提醒 · ${bureau.name}`,
        current: '/alerts',
        body: html`
${await bureauTabs(deps, req, bureau, '/alerts')}
<p>${all ? html`<a href="/alerts?${q}">只看未确认的提醒</a>` : html`<a href="/alerts?${q}&amp;status=all">查看全部提醒（含已确认）</a>`}</p>
${
  alerts.length === 0
    ? html`<p>${all ? '没有提醒。' : '没有待确认的提醒。'}</p>`
    : html`<table aria-label="督查提醒">
  <thead><tr><th scope="col">时间</th><th scope="col">类型</th><th scope="col">科室</th><th scope="col">证照编号</th><th scope="col">持证主体</th><th scope="col">说明</th><th scope="col">确认</th></tr></thead>
  <tbody>${alerts.map(
    (alert) => html`<tr><td>${shanghaiTime(alert.createdAt, bureau.timeZone)}</td><td>${ALERT_KIND_WORDS[alert.kind] ?? alert.kind}</td><td>${alert.licence.catalogueEntry.department.name}</td><td><a href="/licences/${alert.licence.id}">${alert.licence.licenceNumber}</a></td><td>${alert.licence.holderName}</td><td>${alert.message}</td><td>${
      alert.acknowledgedAt
        ? `${alert.acknowledgedBy ?? ''} ${shanghaiTime(alert.acknowledgedAt, bureau.timeZone)}`
        : html`<form method="post" action="/alerts/${alert.id}/acknowledge">${csrfField(token)}<button type="submit">确认已知悉</button></form>`
    }</td></tr>`,
  )}</tbody>
</table>`
}`,
      });
    }),
  );

  router.post(
    '/alerts/:id/acknowledge',
    supervisors,
    formAction(
      () => '/alerts',
      async (req, res) => {
        const id = AlertId.safeParse(req.params.id);
        const alert = id.success ? await findAlert(deps.prisma, id.data) : null;
        if (!alert) throw ApiError.notFound(`Alert ${req.params.id}`);
        assertBureau(who(req), alert.licence.bureauCode);
        await acknowledgeAlert(deps.prisma, alert.id, who(req).name, await deps.clock());
        res.redirect(303, withMessage(`/alerts?bureau=${encodeURIComponent(alert.licence.bureauCode)}`, 'notice', '已确认该提醒。'));
      },
    ),
  );

  return router;
}
