import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { assertBureau } from '../api/access';
import { ApiError, fieldProblems } from '../api/errors';
import { ContactCorrection } from '../api/schemas';
import { FINAL_STAGES, type LicenceStage } from '../domain';
import { contactFor, personalTextFor } from '../services/access/masking';
import { seesContactsOf } from '../services/access/principal';
import { correctContact } from '../services/licence-updates';
import { bureauCalendar } from '../services/working-calendar';
import { licenceHistory, type HistoryEntry } from '../services/licence-history';
import { calendarDateOf } from '../services/licence-registration';
import type { LicenceStatus } from '../workflows/licence-definitions';
import { askLicenceStatus } from '../services/licence-status';
import { formAction, handle, pageAccess, render, who, withMessage, type WebDependencies } from './context';
import { html } from './html';
import { csrfField } from './layout';
import { historyDetail, historyWords, NEXT_ACTION_WORDS, OUTCOME_WORDS, shanghaiTime, STAGE_WORDS, TASK_KIND_WORDS, TASK_STATUS_WORDS } from './words';

const LicenceId = z.uuid();
/** The ladder steps that reach people only inside the bureau's send window on a working day. */
const SENT_IN_WINDOW = new Set(['sms', 'wechat', 'phone_call']);

/**
 * The licence page: details, current stage, the next action with when it is due, and the
 * timeline read from the workflow's history (the supervisors' "inspect workflow history").
 */
export function licencePage(deps: WebDependencies): Router {
  const router = Router();

  router.get(
    '/licences/:id',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    handle(async (req, res) => {
      const principal = who(req);
      const id = LicenceId.safeParse(req.params.id);
      if (!id.success) throw ApiError.notFound(`Licence ${req.params.id}`);
      const licence = await deps.prisma.licence.findUnique({
        where: { id: id.data },
        include: {
          bureau: true,
          catalogueEntry: { include: { department: true } },
          tasks: { orderBy: { createdAt: 'asc' } },
          deliveries: { include: { regulator: true }, orderBy: { createdAt: 'asc' } },
          terms: { orderBy: { term: 'asc' } },
          wechatBinding: true,
        },
      });
      if (!licence) throw ApiError.notFound(`Licence ${id.data}`);
      assertBureau(principal, licence.bureauCode);
      const zone = licence.bureau.timeZone;
      // The workflow is the truth for the stage; when Temporal does not answer, the read model's word stands in.
      let status: LicenceStatus | undefined;
      let timeline: HistoryEntry[] = [];
      let unreachable = false;
      try {
        [status, timeline] = await Promise.all([
          askLicenceStatus(deps.temporal, licence.workflowId),
          licenceHistory(deps.temporal, licence.workflowId),
        ]);
      } catch {
        unreachable = true;
      }
      const owner = { bureauCode: licence.bureauCode, departmentId: licence.catalogueEntry.departmentId };
      const noteOf = (task: { note: string | null }) => personalTextFor(principal, owner, task.note);
      const contact = contactFor(principal, owner, {
        name: licence.contactName,
        phone: licence.contactPhone,
        address: licence.contactAddress,
      });
      const stage = status?.stage ?? licence.stage;
      const next = status?.nextAction;
      // A text or a call due at night or on a holiday goes at the next opening of the send window: say when it will.
      let nextAt = next?.dueAt ?? null;
      if (next?.dueAt && SENT_IN_WINDOW.has(next.kind)) {
        const { calendar, sendWindow } = await bureauCalendar(deps.prisma, licence.bureauCode);
        nextAt = calendar.nextSendInstant(DateTime.fromISO(next.dueAt, { zone: zone }), sendWindow).toUTC().toISO();
      }
      render(req, res, {
        title: `${licence.catalogueEntry.licenceName} ${licence.licenceNumber}`,
        body: html`
${unreachable ? html`<p class="problem" role="alert">流程服务暂不可用：阶段取自数据库，时间线暂无法显示。</p>` : ''}
<dl class="facts">
  <dt>持证主体</dt><dd>${licence.holderName}</dd>
  <dt>审批科室</dt><dd>${licence.catalogueEntry.department.name}</dd>
  <dt>联系人</dt><dd>${contact.name}</dd>
  <dt>联系电话</dt><dd>${contact.phone}</dd>
  <dt>微信提醒</dt><dd id="wechat-binding">${wechatBindingWords(licence.wechatBinding, zone)}</dd>
  <dt>发证日期</dt><dd>${calendarDateOf(licence.issuedOn)}</dd>
  <dt>到期日期</dt><dd>${calendarDateOf(licence.expiresOn)}</dd>
  <dt>提醒期开始</dt><dd>${shanghaiTime(licence.reminderWindowOpensAt, zone)}</dd>
  <dt>当前阶段</dt><dd id="stage">${STAGE_WORDS[stage] ?? stage}</dd>
  <dt>下一步</dt><dd id="next-action">${
    next
      ? html`${NEXT_ACTION_WORDS[next.kind] ?? next.kind}${nextAt ? html`，<time datetime="${nextAt}">${shanghaiTime(nextAt, zone)}</time>${SENT_IN_WINDOW.has(next.kind) ? '' : ' 前'}` : ''}`
      : '无（已办结）'
  }</dd>
  ${licence.closedReason ? html`<dt>办结原因</dt><dd>${licence.closedReason}</dd>` : ''}
</dl>
${seesContactsOf(principal, owner) && !FINAL_STAGES.includes(stage as LicenceStage)
  ? html`<details><summary>更正联系方式</summary>
<form method="post" action="/licences/${licence.id}/contact">
  ${csrfField(res.locals.csrfToken as string)}
  <label for="contact-name">联系人</label><input type="text" id="contact-name" name="name" value="${licence.contactName}" required maxlength="100">
  <label for="contact-phone">联系电话</label><input type="tel" id="contact-phone" name="phone" value="${licence.contactPhone}" required>
  <label for="contact-address">联系地址</label><input type="text" id="contact-address" name="address" value="${licence.contactAddress ?? ''}" maxlength="500">
  <p><button type="submit">保存，后续提醒使用新的联系方式</button></p>
</form></details>`
  : ''}
${
  licence.terms.length > 1
    ? html`<h2 id="terms-heading">有效期（延续记录）</h2>
<table aria-labelledby="terms-heading">
  <thead><tr><th scope="col">期次</th><th scope="col">发证日期</th><th scope="col">到期日期</th><th scope="col">延续申请</th></tr></thead>
  <tbody>${licence.terms.map(
    (term) => html`<tr><td>第 ${term.term} 期${term.term === licence.term ? '（当前）' : ''}</td><td>${calendarDateOf(term.issuedOn)}</td><td>${calendarDateOf(term.expiresOn)}</td><td>${term.applicationNumber ?? '首次发证'}</td></tr>`,
  )}</tbody>
</table>`
    : ''
}
<h2 id="tasks-heading">人工任务</h2>
${
  licence.tasks.length === 0
    ? html`<p>暂无。</p>`
    : html`<table aria-labelledby="tasks-heading">
  <thead><tr><th scope="col">任务</th><th scope="col">办理期限</th><th scope="col">状态</th><th scope="col">结果</th></tr></thead>
  <tbody>${licence.tasks.map(
    (task) => html`<tr><td>${TASK_KIND_WORDS[task.kind] ?? task.kind}（第 ${task.attempt} 次）</td><td>${shanghaiTime(task.dueAt, zone)}</td><td>${TASK_STATUS_WORDS[task.status] ?? task.status}${task.claimedBy ? `：${task.claimedBy}` : ''}</td><td>${task.outcome ? (OUTCOME_WORDS[task.outcome] ?? task.outcome) : ''}${noteOf(task) ? `（${noteOf(task)}）` : ''}</td></tr>`,
  )}</tbody>
</table>`
}
${
  licence.deliveries.length > 0
    ? html`<h2>审管协同推送</h2><ul>${licence.deliveries.map(
        (delivery) => html`<li>${delivery.regulator.name}：${delivery.deliveredAt ? `已送达 ${shanghaiTime(delivery.deliveredAt, zone)}（回执 ${delivery.receipt ?? '—'}）` : `未送达（已尝试 ${delivery.attempts} 次）`}</li>`,
      )}</ul>`
    : ''
}
<h2 id="timeline-heading">办理时间线</h2>
<ol class="timeline" aria-labelledby="timeline-heading">
  ${timeline.map(
    (entry) => html`<li><time datetime="${entry.at}">${shanghaiTime(entry.at, zone)}</time>${historyWords(entry.what)}${entry.detail ? html`：${historyDetail(entry.detail)}` : ''}</li>`,
  )}
</ol>`,
      });
    }),
  );

  router.post(
    '/licences/:id/contact',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    formAction(
      (req) => `/licences/${encodeURIComponent(String(req.params.id))}`,
      async (req, res) => {
        const principal = who(req);
        const id = LicenceId.safeParse(req.params.id);
        if (!id.success) throw ApiError.notFound(`Licence ${req.params.id}`);
        const licence = await deps.prisma.licence.findUnique({ where: { id: id.data }, include: { catalogueEntry: true } });
        if (!licence) throw ApiError.notFound(`Licence ${id.data}`);
        assertBureau(principal, licence.bureauCode);
        if (!seesContactsOf(principal, { bureauCode: licence.bureauCode, departmentId: licence.catalogueEntry.departmentId })) {
          throw new ApiError(403, 'forbidden', "Only the owning department's specialists and the bureau's supervisors correct a holder's contact.");
        }
        const form = req.body as Record<string, unknown>;
        const address = typeof form.address === 'string' && form.address.trim() !== '' ? form.address : undefined;
        const parsed = ContactCorrection.safeParse({ name: form.name, phone: form.phone, ...(address ? { address } : {}) });
        if (!parsed.success) throw ApiError.invalid(fieldProblems(parsed.error));
        await correctContact(deps, licence, parsed.data);
        res.redirect(303, withMessage(`/licences/${licence.id}`, 'notice', '联系方式已更正，后续提醒将使用新的联系方式。'));
      },
    ),
  );

  return router;
}

/** Whether the licence's WeChat reminders reach anyone, in the words of the page. */
function wechatBindingWords(binding: { boundAt: Date; refusedAt: Date | null; refusalCode: number | null } | null, zone: string): string {
  if (!binding) return '未绑定（微信提醒改发短信）';
  if (binding.refusedAt) return `持证主体已取消关注或拒收（微信错误码 ${binding.refusalCode}，${shanghaiTime(binding.refusedAt, zone)}），改发短信`;
  return `已绑定（${shanghaiTime(binding.boundAt, zone)}）`;
}
