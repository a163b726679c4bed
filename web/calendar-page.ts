import { Router, type Request } from 'express';
import { z } from 'zod';
import { OverrideBody } from '../api/calendar-routes';
import { ApiError, fieldProblems } from '../api/errors';
import { CalendarDateSchema } from '../api/schemas';
import { loadNationalSchedule, yearsAhead } from '../services/national-schedule';
import { calendarYear, setCalendarOverride, uncoveredYearsAhead } from '../services/working-calendar';
import { bureauTabs, formAction, formData, handle, pageAccess, pageBureau, render, type WebDependencies, who, withMessage } from './context';
import { html, type SafeHtml } from './html';
import { csrfField } from './layout';

const DAY_KIND_WORDS: Record<string, string> = { day_off: '休息日', working_day: '调休上班' };
const DAY_SOURCE_WORDS: Record<string, string> = { statutory: '数据包', national: '国家安排', bureau: '本局调整' };
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

const YearQuery = z.coerce.number().int().min(2000).max(2100);
const ScheduleForm = z.strictObject({
  _csrf: z.string().optional(),
  year: YearQuery,
  source: z.string(),
  format: z.enum(['csv', 'ics']),
  content: z.string().optional(),
});
const OverrideForm = OverrideBody.extend({ _csrf: z.string().optional(), date: CalendarDateSchema });

/** The banner of the calendar page and the dashboard while a year of the next twelve months has no holidays known. */
export function uncoveredYearsWarning(uncovered: readonly number[]): SafeHtml | '' {
  if (uncovered.length === 0) return '';
  return html`<p role="status" class="warning">未来十二个月中 ${uncovered.join('、')} 年的全国节假日安排尚未导入：提醒只按周末计算休息日。请系统管理员在国务院办公厅发布通知后，在<a href="/calendar?year=${uncovered[0]}">节假日</a>页导入。</p>`;
}

/**
 * The working-day calendar for staff: a year's national days off and make-up working days with the
 * bureau's own changes, which years ahead have no schedule yet; administrators load a year's
 * national schedule (CSV or .ics), supervisors set a day for their bureau.
 */
export function calendarPage(deps: WebDependencies): Router {
  const router = Router();

  const back = (req: Request) => `/calendar?year=${encodeURIComponent(String(req.body?.year ?? String(req.body?.date ?? '').slice(0, 4)))}`;

  router.get(
    '/calendar',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    handle(async (req, res) => {
      const principal = who(req);
      const bureau = await pageBureau(deps, req);
      const now = await deps.clock();
      const asked = YearQuery.safeParse(req.query.year);
      const year = asked.success ? asked.data : yearsAhead(now)[0]!;
      const [calendar, uncovered] = await Promise.all([calendarYear(deps.prisma, bureau.code, year), uncoveredYearsAhead(deps.prisma, now)]);
      const weekday = (date: string) => WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
      const csrf = res.locals.csrfToken as string;
      render(req, res, {
        title: `节假日与工作日 · ${year} 年 · ${bureau.name}`,
        current: '/calendar',
        body: html`
${await bureauTabs(deps, req, bureau, '/calendar')}
${uncoveredYearsWarning(uncovered)}
<nav class="tabs" aria-label="切换年份">${[year - 1, year, year + 1].map((shown) => html`<a href="/calendar?year=${shown}&amp;bureau=${encodeURIComponent(bureau.code)}"${shown === year ? html` aria-current="page"` : ''}>${shown} 年</a>`)}</nav>
<dl class="facts">
  <dt>全国安排</dt><dd>${calendar.nationalSchedule ? `已导入（${calendar.nationalSchedule.source}）` : calendar.statutory ? '数据包（chinese-days）' : '未导入'}</dd>
  <dt>短信与电话时段</dt><dd>${bureau.sendWindowOpens}–${bureau.sendWindowCloses}（工作日）</dd>
</dl>
<table>
  <caption>${year} 年的节假日与调休上班日，共 ${calendar.days.length} 天</caption>
  <thead><tr><th scope="col">日期</th><th scope="col">星期</th><th scope="col">安排</th><th scope="col">名称</th><th scope="col">来源</th></tr></thead>
  <tbody>${calendar.days.map(
    (day) => html`<tr><td>${day.date}</td><td>${weekday(day.date)}</td><td>${DAY_KIND_WORDS[day.kind] ?? day.kind}</td><td>${day.name}</td><td>${DAY_SOURCE_WORDS[day.source] ?? day.source}</td></tr>`,
  )}</tbody>
</table>
${principal.role === 'supervisor' || principal.role === 'admin'
  ? html`<h2>本局调整某一天</h2>
<form method="post" action="/calendar/overrides">
  ${csrfField(csrf)}
  <input type="hidden" name="bureau" value="${bureau.code}">
  <label for="date">日期</label><input type="date" id="date" name="date" required>
  <label for="kind">安排</label><select id="kind" name="kind"><option value="day_off">休息日</option><option value="working_day">调休上班</option></select>
  <label for="name">名称</label><input type="text" id="name" name="name" required maxlength="50">
  <p><button type="submit">保存</button></p>
</form>`
  : ''}
${principal.role === 'admin'
  ? html`<h2>导入全国节假日安排</h2>
<p class="hint">按国务院办公厅的通知逐日填写休息日（含节日期间的周末）和调休上班日，适用于所有审批局。CSV 列为 date,kind,name（kind 为 休 或 班）；.ics 为全天事件，名称以“班”结尾的为调休上班日。再次导入同一年会替换该年。</p>
<form method="post" action="/calendar/national" enctype="multipart/form-data">
  ${csrfField(csrf)}
  <label for="year">年份</label><input type="number" id="year" name="year" value="${year + (calendar.covered ? 1 : 0)}" min="2000" max="2100" required>
  <label for="source">依据</label><input type="text" id="source" name="source" placeholder="国办发明电〔2026〕7号" required maxlength="200">
  <label for="format">格式</label><select id="format" name="format"><option value="csv">CSV</option><option value="ics">.ics</option></select>
  <label for="file">选择文件（.csv 或 .ics）</label><input type="file" id="file" name="file" accept=".csv,.ics,text/csv,text/calendar">
  <label for="content">或粘贴文件内容</label><textarea id="content" name="content" rows="8"></textarea>
  <p><button type="submit">导入</button></p>
</form>`
  : ''}`,
      });
    }),
  );

  router.post(
    '/calendar/national',
    pageAccess(deps, ['admin']),
    formAction(back, async (req, res) => {
      const form = formData(ScheduleForm, req.body);
      const { year, source } = form;
      // A chosen file wins over pasted text; an .ics file is read as one whatever the select says.
      const file = req.file;
      const content = file ? file.buffer.toString('utf8') : (form.content ?? '').trim();
      if (content === '') throw ApiError.invalid([{ path: 'file', message: '请选择文件或粘贴文件内容' }]);
      const format = file && /\.ics$/i.test(file.originalname) ? 'ics' : form.format;
      const loaded = await loadNationalSchedule(deps.prisma, year, { source, [format]: content }, who(req).name);
      res.redirect(303, withMessage(`/calendar?year=${year}`, 'notice', `${year} 年全国节假日安排已导入，共 ${loaded.days} 天。`));
    }),
  );

  router.post(
    '/calendar/overrides',
    pageAccess(deps, ['supervisor', 'admin']),
    formAction(back, async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const parsed = OverrideForm.safeParse(Object.fromEntries(Object.entries(req.body as Record<string, unknown>).filter(([name]) => name !== 'bureau')));
      if (!parsed.success) throw ApiError.invalid(fieldProblems(parsed.error));
      const { date, kind, name } = parsed.data;
      await setCalendarOverride(deps.prisma, bureau.code, date, { kind, name });
      res.redirect(303, withMessage(`/calendar?year=${date.slice(0, 4)}&bureau=${encodeURIComponent(bureau.code)}`, 'notice', `${date} 已设为${DAY_KIND_WORDS[kind]}。`));
    }),
  );

  return router;
}
