import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { contactFor } from '../services/access/masking';
import { calendarDateOf } from '../services/licence-registration';
import { bundlesOf, claimTask, completeTask, OUTCOMES_BY_KIND, releaseTask, taskFor } from '../services/task-work';
import { ApiError } from '../api/errors';
import { formAction, handle, pageAccess, render, type WebDependencies, who, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';
import { OUTCOME_WORDS, shanghaiTime, TASK_KIND_WORDS, TASK_STATUS_WORDS } from './words';

const VIEWS = {
  open: '本科室待领取',
  mine: '我领取的',
  overdue: '已逾期',
} as const;
type View = keyof typeof VIEWS;

const taskInclude = { licence: true } as const;
type TaskRow = Prisma.HumanTaskGetPayload<{ include: typeof taskInclude }>;

const CompletionForm = z.object({ outcome: z.string().min(1), note: z.string().max(1000).optional() });

/** The specialists' inbox and task pages: claim, release and complete with an outcome and a note. */
export function inboxPages(deps: WebDependencies): Router {
  const router = Router();
  const specialists = pageAccess(deps, ['specialist']);

  router.get(
    '/inbox',
    specialists,
    handle(async (req, res) => {
      const principal = who(req);
      const view: View = req.query.view === 'mine' || req.query.view === 'overdue' ? req.query.view : 'open';
      const now = await deps.clock();
      const where: Prisma.HumanTaskWhereInput = {
        departmentId: principal.departmentId!,
        ...(view === 'open' ? { status: 'open' } : {}),
        ...(view === 'mine' ? { status: 'claimed', claimedBy: principal.name } : {}),
        ...(view === 'overdue' ? { status: { in: ['open', 'claimed'] }, dueAt: { lt: now } } : {}),
      };
      const tasks = await deps.prisma.humanTask.findMany({ where, include: taskInclude, orderBy: { dueAt: 'asc' }, take: 200 });
      const counts = Object.fromEntries(
        await Promise.all(
          (Object.keys(VIEWS) as View[]).map(async (name) => {
            const filter: Prisma.HumanTaskWhereInput =
              name === 'open'
                ? { status: 'open' }
                : name === 'mine'
                  ? { status: 'claimed', claimedBy: principal.name }
                  : { status: { in: ['open', 'claimed'] }, dueAt: { lt: now } };
            return [name, await deps.prisma.humanTask.count({ where: { departmentId: principal.departmentId!, ...filter } })];
          }),
        ),
      );
      const bundles = await bundlesOf(deps.prisma, tasks);
      const row = (task: TaskRow) => {
        const overdue = task.dueAt < now;
        const mates = bundles.get(task.id) ?? [];
        return html`<tr>
  <td><a href="/tasks/${task.id}">${TASK_KIND_WORDS[task.kind] ?? task.kind}（第 ${task.attempt} 次）</a></td>
  <td><a href="/licences/${task.licenceId}">${task.licence.licenceNumber}</a>${mates.length > 0 ? html`<br><small>同一持证主体另有 ${mates.length} 项，一并办理</small>` : ''}</td>
  <td>${task.licence.holderName}</td>
  <td>${task.licence.contactName}<br>${task.licence.contactPhone}</td>
  <td${overdue ? html` class="overdue"` : ''}>${shanghaiTime(task.dueAt)}${overdue ? '（已逾期）' : ''}</td>
  <td>${TASK_STATUS_WORDS[task.status] ?? task.status}${task.claimedBy ? `：${task.claimedBy}` : ''}</td>
  <td>${
    task.status === 'open'
      ? html`<form method="post" action="/tasks/${task.id}/claim" class="inline">${csrfField(res.locals.csrfToken as string)}<button type="submit" aria-label="领取 ${task.licence.licenceNumber} 的任务">领取</button></form>`
      : html`<a class="button" href="/tasks/${task.id}">办理</a>`
  }</td>
</tr>`;
      };
      render(req, res, {
        title: `我的任务 · ${principal.departmentName}`,
        current: '/inbox',
        body: html`
<p><a class="button" href="/api/v1/ledger/window-open?bureau=${encodeURIComponent(principal.bureauCode ?? '')}&amp;opensWithinDays=30&amp;format=xlsx" download>下载本科室证照到期提醒台账（含待提醒，Excel）</a></p>
<ul class="tabs" aria-label="任务视图">
  ${(Object.keys(VIEWS) as View[]).map(
    (name) => html`<li><a href="/inbox?view=${name}"${name === view ? html` aria-current="page"` : ''}>${VIEWS[name]}（${counts[name] ?? 0}）</a></li>`,
  )}
</ul>
${
  tasks.length === 0
    ? html`<p>暂无任务。</p>`
    : html`<table>
  <caption>${VIEWS[view]}：${tasks.length} 项，按办理期限排序</caption>
  <thead><tr><th scope="col">任务</th><th scope="col">证照编号</th><th scope="col">持证主体</th><th scope="col">联系人</th><th scope="col">办理期限</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
  <tbody>${tasks.map(row)}</tbody>
</table>`
}`,
      });
    }),
  );

  router.get(
    '/tasks/:id',
    specialists,
    handle(async (req, res) => {
      const principal = who(req);
      const task = await taskFor(deps.prisma, principal, String(req.params.id));
      const letter = task.letterId ? await deps.prisma.letter.findUnique({ where: { id: task.letterId } }) : null;
      const contact = contactFor(principal, { bureauCode: task.department.bureauCode, departmentId: task.departmentId }, { name: task.licence.contactName, phone: task.licence.contactPhone, address: task.licence.contactAddress });
      const token = res.locals.csrfToken as string;
      const mine = task.status === 'claimed' && task.claimedBy === principal.name;
      const outcomes = OUTCOMES_BY_KIND[task.kind] ?? [];
      const overdue = task.dueAt < (await deps.clock());
      const mates = (await bundlesOf(deps.prisma, [task])).get(task.id) ?? [];
      render(req, res, {
        title: `${TASK_KIND_WORDS[task.kind] ?? task.kind}：${task.licence.licenceNumber}`,
        current: '/inbox',
        body: html`
<dl class="facts">
  <dt>证照</dt><dd><a href="/licences/${task.licenceId}">${task.licence.catalogueEntry.licenceName} ${task.licence.licenceNumber}</a></dd>
  <dt>持证主体</dt><dd>${task.licence.holderName}</dd>
  <dt>到期日</dt><dd>${calendarDateOf(task.licence.expiresOn)}</dd>
  <dt>联系人</dt><dd>${contact.name}</dd>
  <dt>联系电话</dt><dd>${contact.phone}</dd>
  ${contact.address ? html`<dt>地址</dt><dd>${contact.address}</dd>` : ''}
  <dt>办理期限</dt><dd>${shanghaiTime(task.dueAt)}${overdue ? html` <span class="overdue">已逾期</span>` : ''}</dd>
  <dt>状态</dt><dd id="task-status">${TASK_STATUS_WORDS[task.status] ?? task.status}${task.claimedBy ? `：${task.claimedBy}` : ''}</dd>
  ${
    mates.length > 0
      ? html`<dt>一并办理</dt><dd id="task-bundle">同一持证主体当日的${TASK_KIND_WORDS[task.kind] ?? task.kind}：${mates.map(
          (mate, index) => html`${index > 0 ? '、' : ''}<a href="/tasks/${mate.id}">${mate.licenceName} ${mate.licenceNumber}</a>（${TASK_STATUS_WORDS[mate.status] ?? mate.status}）`,
        )}。领取、退回和登记结果对尚未办结的各项一并生效。</dd>`
      : ''
  }
  ${task.note && !task.outcome ? html`<dt>申请或备注</dt><dd>${task.note}</dd>` : ''}
  ${task.outcome ? html`<dt>结果</dt><dd>${OUTCOME_WORDS[task.outcome] ?? task.outcome}${task.note ? `（${task.note}）` : ''}</dd>` : ''}
</dl>
${letter ? html`<h2>提醒函</h2><pre class="letter">${letter.body}</pre>` : ''}
${
  letter && mates.length > 0
    ? html`<p><a class="button" href="/api/v1/tasks/${task.id}/bundle-letter" download>下载合并提醒函（同一持证主体 ${mates.length + 1} 本证照，一封寄出）</a></p>`
    : ''
}
${task.status === 'open' ? html`<form method="post" action="/tasks/${task.id}/claim">${csrfField(token)}<p><button type="submit">领取此任务</button></p></form>` : ''}
${
  mine
    ? html`<form method="post" action="/tasks/${task.id}/release">${csrfField(token)}<p><button type="submit" class="secondary">退回科室队列</button></p></form>`
    : ''
}
${
  mine || task.status === 'open'
    ? html`<h2>登记办理结果</h2>
<form method="post" action="/tasks/${task.id}/complete">
  ${csrfField(token)}
  <label for="outcome">办理结果</label>
  <select id="outcome" name="outcome" required>
    <option value="">请选择</option>
    ${outcomes.map((outcome) => html`<option value="${outcome}">${OUTCOME_WORDS[outcome] ?? outcome}</option>`)}
  </select>
  <label for="note">备注</label>
  <textarea id="note" name="note" maxlength="1000" aria-describedby="note-hint"></textarea>
  <p class="hint" id="note-hint">例如：通话要点、函告寄送单号。</p>
  <p><button type="submit">提交结果</button></p>
</form>`
    : ''
}`,
      });
    }),
  );

  const backToTask = (req: Request) => `/tasks/${String(req.params.id)}`;

  router.post(
    '/tasks/:id/claim',
    specialists,
    formAction(backToTask, async (req, res) => {
      await claimTask(deps.prisma, who(req), String(req.params.id));
      res.redirect(303, withMessage(`/tasks/${req.params.id}`, 'notice', '已领取任务。'));
    }),
  );

  router.post(
    '/tasks/:id/release',
    specialists,
    formAction(backToTask, async (req, res) => {
      await releaseTask(deps.prisma, who(req), String(req.params.id));
      res.redirect(303, withMessage('/inbox', 'notice', '任务已退回科室队列。'));
    }),
  );

  router.post(
    '/tasks/:id/complete',
    specialists,
    formAction(backToTask, async (req, res) => {
      const form = CompletionForm.safeParse(req.body);
      if (!form.success) throw ApiError.invalid([{ path: 'outcome', message: 'choose an outcome' }]);
      const id = String(req.params.id);
      await completeTask(deps, who(req), id, { outcome: form.data.outcome, note: form.data.note?.trim() || undefined });
      const task = await deps.prisma.humanTask.findUniqueOrThrow({ where: { id } });
      res.redirect(303, withMessage(`/licences/${task.licenceId}`, 'notice', '办理结果已登记，提醒流程已继续。'));
    }),
  );

  return router;
}
