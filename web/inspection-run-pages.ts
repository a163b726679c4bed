import { Router, type Request } from 'express';
import { z } from 'zod';
import { assertBureau } from '../api/access';
import { actorOf } from '../services/access/principal';
import { ApiError } from '../api/errors';
import { addFollowUp, FOLLOW_UP_STATUSES, FOLLOW_UP_WORDS, inspectionRun, inspectionRuns, runInspectionNow } from '../services/inspection-runs';
import { formAction, formData, handle, pageAccess, pageBureau, render, type WebDependencies, who, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';
import { shanghaiTime } from './words';

const RunId = z.uuid();
const FollowUpForm = z.object({ department: z.string().trim().min(1).max(100), status: z.enum(FOLLOW_UP_STATUSES), note: z.string().trim().min(1, '请填写跟进说明').max(1000) });
const TRIGGER_WORDS: Record<string, string> = { schedule: '定期', manual: '手动' };

/** 定期督促检查 for supervisors: the runs kept, one run's findings per department, and their follow-ups. */
export function inspectionRunPages(deps: WebDependencies): Router {
  const router = Router();
  const supervisors = pageAccess(deps, ['supervisor', 'admin']);

  const runOf = async (req: Request) => {
    const id = RunId.safeParse(req.params.id);
    if (!id.success) throw ApiError.notFound(`Inspection run ${req.params.id}`);
    const run = await inspectionRun(deps.prisma, id.data);
    assertBureau(who(req), run.bureau);
    return run;
  };

  router.get(
    '/inspection/runs',
    supervisors,
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const runs = await inspectionRuns(deps.prisma, bureau.code, 60);
      render(req, res, {
        title: `历次督促检查 · ${bureau.name}`,
        current: '/inspection',
        body: html`
<p>定期检查按计划 <code>${bureau.inspectionCron}</code>（${bureau.timeZone}）自动进行，每次检查结果按科室存档。</p>
<form method="post" action="/inspection/runs">
  ${csrfField(res.locals.csrfToken as string)}
  <input type="hidden" name="bureau" value="${bureau.code}">
  <button type="submit">立即检查并存档</button>
</form>
${
  runs.length === 0
    ? html`<p>尚无存档的检查。</p>`
    : html`<table>
  <caption>历次检查</caption>
  <thead><tr><th scope="col">检查时间</th><th scope="col">方式</th><th scope="col">未提醒证照</th><th scope="col">逾期任务</th><th scope="col">台账缺项</th><th scope="col">待整改科室</th></tr></thead>
  <tbody>${runs.map(
    (run) =>
      html`<tr><td><a href="/inspection/runs/${run.id}">${shanghaiTime(run.ranAt, bureau.timeZone)}</a></td><td>${TRIGGER_WORDS[run.trigger] ?? run.trigger}${run.requestedBy ? `（${run.requestedBy}）` : ''}</td><td class="num">${run.totals.unremindedLicences}</td><td class="num">${run.totals.overdueTasks}</td><td class="num">${run.totals.incompleteLedgerRows}</td><td class="num">${run.departmentsToFollowUp}</td></tr>`,
  )}</tbody>
</table>`
}`,
      });
    }),
  );

  router.post(
    '/inspection/runs',
    supervisors,
    formAction(
      (req) => `/inspection/runs?bureau=${encodeURIComponent(String(req.body?.bureau ?? ''))}`,
      async (req, res) => {
        const bureau = await pageBureau(deps, req);
        const run = await runInspectionNow(deps.prisma, bureau.code, await deps.clock(), actorOf(who(req)));
        res.redirect(303, withMessage(`/inspection/runs/${run.id}`, 'notice', '检查已完成并存档。'));
      },
    ),
  );

  router.get(
    '/inspection/runs/:id',
    supervisors,
    handle(async (req, res) => {
      const run = await runOf(req);
      const bureau = await deps.prisma.bureau.findUniqueOrThrow({ where: { code: run.bureau } });
      const token = res.locals.csrfToken as string;
      render(req, res, {
        title: `督促检查 · ${bureau.name} · ${shanghaiTime(run.ranAt, bureau.timeZone)}`,
        current: '/inspection',
        body: html`
<p><a href="/inspection/runs?bureau=${encodeURIComponent(bureau.code)}">返回历次检查</a>
<a class="button" href="/api/v1/inspection-runs/${run.id}?format=xlsx" download>导出本次检查（Excel）</a></p>
<table>
  <caption>${TRIGGER_WORDS[run.trigger] ?? run.trigger}检查：未提醒证照 ${run.totals.unremindedLicences}，逾期任务 ${run.totals.overdueTasks}，台账缺项 ${run.totals.incompleteLedgerRows}</caption>
  <thead><tr><th scope="col">科室</th><th scope="col">提醒期内未提醒的证照</th><th scope="col">逾期任务</th><th scope="col">台账缺项</th><th scope="col">整改跟进</th></tr></thead>
  <tbody>${run.departments.map(
    (section) => html`<tr>
  <th scope="row">${section.department}</th>
  <td>${section.unremindedLicences.length === 0 ? '无' : html`<ul>${section.unremindedLicences.map((licence) => html`<li><a href="/licences/${licence.id}">${licence.licenceNumber}</a> ${licence.holderName}（${licence.expiresOn} 到期）</li>`)}</ul>`}</td>
  <td class="num">${section.overdueTasks}</td>
  <td>${section.incompleteLedgerRows.length === 0 ? '无' : html`<ul>${section.incompleteLedgerRows.map((row) => html`<li>${row.licenceNumber}（${row.remindedOn}）缺少：${row.missing.join('、')}</li>`)}</ul>`}</td>
  <td>${section.followUp ? html`<strong>${FOLLOW_UP_WORDS[section.followUp]}</strong>` : '无问题'}
    <ul>${section.followUps.map((followUp) => html`<li>${shanghaiTime(followUp.markedAt, bureau.timeZone)} ${followUp.markedBy}：${FOLLOW_UP_WORDS[followUp.status]}，${followUp.note}</li>`)}</ul>
    ${section.followUp === null ? '' : html`<form method="post" action="/inspection/runs/${run.id}/follow-ups">
      ${csrfField(token)}
      <input type="hidden" name="department" value="${section.department}">
      <label>状态 <select name="status">${FOLLOW_UP_STATUSES.map((status) => html`<option value="${status}"${section.followUp === status ? html` selected` : ''}>${FOLLOW_UP_WORDS[status]}</option>`)}</select></label>
      <label>说明 <input type="text" name="note" required maxlength="1000"></label>
      <button type="submit">记录跟进</button>
    </form>`}</td>
</tr>`,
  )}</tbody>
</table>`,
      });
    }),
  );

  router.post(
    '/inspection/runs/:id/follow-ups',
    supervisors,
    formAction(
      (req) => `/inspection/runs/${encodeURIComponent(String(req.params.id))}`,
      async (req, res) => {
        const run = await runOf(req);
        const form = formData(FollowUpForm, req.body);
        await addFollowUp(deps.prisma, run.id, form, actorOf(who(req)), await deps.clock());
        res.redirect(303, withMessage(`/inspection/runs/${run.id}`, 'notice', `已记录${form.department}的整改跟进。`));
      },
    ),
  );

  return router;
}
