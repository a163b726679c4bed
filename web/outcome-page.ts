import { Router } from 'express';
import { z } from 'zod';
import { outcomeWords } from '../domain';
import { ratesChart, remindersChart } from '../services/outcome-charts';
import { CHANNEL_LABELS } from '../services/ledger-export';
import { askedPeriod, MONTH_PATTERN, outcomeFigures, percent } from '../services/outcome-figures';
import { bureauTabs, handle, pageAccess, pageBureau, render, type WebDependencies, blankAsUnset } from './context';
import { html, SafeHtml } from './html';

const Month = z.preprocess(blankAsUnset, z.string().regex(MONTH_PATTERN).optional());
const PeriodForm = z.object({ from: Month, to: Month }).refine((form) => !form.from || !form.to || form.from <= form.to);

/** 提醒成效: what the reminders achieved per department over whole months, as charts and tables (seed 三(五)). */
export function outcomePage(deps: WebDependencies): Router {
  const router = Router();

  router.get(
    '/figures',
    pageAccess(deps, ['supervisor', 'admin']),
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const asked = PeriodForm.safeParse(req.query);
      const now = await deps.clock();
      const period = askedPeriod(asked.success ? asked.data : {}, now, bureau.timeZone);
      const figures = await outcomeFigures(deps.prisma, bureau.code, period, now);
      const q = new URLSearchParams({ bureau: bureau.code, from: period.from, to: period.to, format: 'xlsx' });
      render(req, res, {
        title: `提醒成效 · ${bureau.name}`,
        current: '/figures',
        ...(asked.success ? {} : { problem: '请检查统计期间：月份写作 YYYY-MM，起始月不晚于截止月。' }),
        body: html`
${await bureauTabs(deps, req, bureau, '/figures')}
<form method="get" action="/figures">
  <input type="hidden" name="bureau" value="${bureau.code}">
  <label for="from">统计期间从</label><input type="month" id="from" name="from" value="${period.from}">
  <label for="to">至</label><input type="month" id="to" name="to" value="${period.to}">
  <button type="submit">统计</button>
  <a class="button" href="/api/v1/outcome-figures?${q.toString()}" download>导出（Excel）</a>
</form>
<p>期内到期：期满日期落在统计期间内的证照（同号延续的证照按每个有效期分别计）。逾期任务按当前时间统计。</p>
<figure class="chart">${new SafeHtml(ratesChart(figures))}<figcaption>各科室提醒覆盖率与到期前延续率</figcaption></figure>
<table>
  <caption>提醒成效 ${period.from} 至 ${period.to}</caption>
  <thead><tr><th scope="col">科室</th><th scope="col">期内到期</th><th scope="col">到期前已提醒</th><th scope="col">提醒覆盖率</th><th scope="col">到期前已延续</th><th scope="col">到期前延续率</th><th scope="col">到期未延续</th><th scope="col">逾期任务</th></tr></thead>
  <tbody>${figures.departments.map(
    (row) => html`<tr><th scope="row">${row.department}</th><td class="num">${row.expiring}</td><td class="num">${row.remindedBeforeExpiry}</td><td class="num">${percent(row.coverage)}</td><td class="num">${row.renewedBeforeExpiry}</td><td class="num">${percent(row.renewalRate)}</td><td class="num">${row.lapsed}</td><td class="num">${row.overdueTasks}</td></tr>`,
  )}</tbody>
</table>
<figure class="chart">${new SafeHtml(remindersChart(figures))}<figcaption>各科室期内提醒次数（按提醒方式）</figcaption></figure>
<table>
  <caption>期内提醒（按提醒方式与结果）</caption>
  <thead><tr><th scope="col">科室</th><th scope="col">提醒方式</th><th scope="col">提醒结果</th><th scope="col">次数</th></tr></thead>
  <tbody>${figures.departments.flatMap((row) =>
    row.reminders.map(
      (reminder) => html`<tr><th scope="row">${row.department}</th><td>${CHANNEL_LABELS[reminder.channel] ?? reminder.channel}</td><td>${outcomeWords(reminder.channel, reminder.outcome)}</td><td class="num">${reminder.count}</td></tr>`,
    ),
  )}</tbody>
</table>`,
      });
    }),
  );

  return router;
}
