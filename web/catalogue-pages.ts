import { Router, type Request } from 'express';
import { z } from 'zod';
import { assertBureau } from '../api/access';
import { Guidance } from '../api/catalogue-routes';
import { actorOf } from '../services/access/principal';
import type { RegulatorRole } from '../services/regulators';
import { ROLE_WORDS } from './regulator-pages';
import { ApiError } from '../api/errors';
import { missingGuidance } from '../domain';
import { updateCatalogueEntry } from '../services/catalogue';
import type { CatalogueEntryCache } from '../services/licence-registration';
import { formAction, formData, handle, pageAccess, render, type WebDependencies, who, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';

const GuidanceForm = z.strictObject(Guidance);

// A form sends every field as text: empty means unset, the materials come one per line.
function guidanceOf(body: Record<string, unknown>) {
  const value = (name: string) => {
    const text = typeof body[name] === 'string' ? (body[name] as string).trim() : '';
    return text === '' ? null : text;
  };
  return {
    renewalDeadline: value('renewalDeadline'),
    officeAddress: value('officeAddress'),
    servicePhone: value('servicePhone'),
    bookingUrl: value('bookingUrl'),
    materials: (typeof body.materials === 'string' ? body.materials : '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  };
}

const GUIDANCE_LABELS: Record<string, string> = {
  renewalDeadline: '申请换证时限',
  officeAddress: '办理地点',
  servicePhone: '服务电话',
  materials: '提交材料（每行一项）',
  bookingUrl: '预约链接',
};

/** The catalogue for staff: every entry with whether its renewal guidance is complete; supervisors edit the guidance. */
export function cataloguePages(deps: WebDependencies & { taskQueue: string; catalogueEntries: CatalogueEntryCache }): Router {
  const router = Router();

  const entryOf = async (req: Request) => {
    const entry = await deps.prisma.catalogueEntry.findUnique({
      where: { id: String(req.params.id) },
      include: { department: true, regulators: { include: { regulator: true }, orderBy: [{ role: 'asc' }, { regulatorId: 'asc' }] } },
    });
    if (!entry) throw ApiError.notFound(`Catalogue entry ${req.params.id}`);
    assertBureau(who(req), entry.bureauCode);
    return entry;
  };

  router.get(
    '/catalogue',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    handle(async (req, res) => {
      const principal = who(req);
      const bureau = principal.bureauCode ?? (typeof req.query.bureau === 'string' ? req.query.bureau : 'weihai');
      const entries = await deps.prisma.catalogueEntry.findMany({ where: { bureauCode: bureau, retiredAt: null }, include: { department: true }, orderBy: { code: 'asc' } });
      const bureauName = (await deps.prisma.bureau.findUnique({ where: { code: bureau } }))?.name ?? bureau;
      render(req, res, {
        title: '提醒目录',
        current: '/catalogue',
        body: html`<table>
  <caption>${bureauName} 共 ${entries.length} 项</caption>
  <thead><tr><th scope="col">编码</th><th scope="col">审批事项</th><th scope="col">证照名称</th><th scope="col">有效期</th><th scope="col">科室</th><th scope="col">办事指南</th></tr></thead>
  <tbody>${entries.map((entry) => {
    const missing = missingGuidance(entry);
    return html`<tr><td><a href="/catalogue/${encodeURIComponent(entry.id)}">${entry.code}</a></td><td>${entry.approvalItem}</td><td>${entry.licenceName}</td><td>${entry.validityText}</td><td>${entry.department.name}</td><td>${missing.length === 0 ? '完整' : html`<span class="overdue">缺 ${missing.length} 项</span>`}</td></tr>`;
  })}</tbody>
</table>`,
      });
    }),
  );

  router.get(
    '/catalogue/:id',
    pageAccess(deps, ['specialist', 'supervisor', 'admin']),
    handle(async (req, res) => {
      const entry = await entryOf(req);
      const editable = who(req).role !== 'specialist';
      const admin = who(req).role === 'admin';
      const bureauRegulators = admin ? await deps.prisma.regulator.findMany({ where: { bureauCode: entry.bureauCode }, orderBy: { id: 'asc' } }) : [];
      const roleOf = (id: string) => entry.regulators.find((link) => link.regulatorId === id)?.role ?? '';
      const values: Record<string, string> = {
        renewalDeadline: entry.renewalDeadline ?? '',
        officeAddress: entry.officeAddress ?? '',
        servicePhone: entry.servicePhone ?? '',
        materials: entry.materials.join('\n'),
        bookingUrl: entry.bookingUrl ?? '',
      };
      const field = (name: string) =>
        name === 'materials'
          ? html`<label for="${name}">${GUIDANCE_LABELS[name]}</label><textarea id="${name}" name="${name}"${editable ? '' : html` readonly`}>${values[name]}</textarea>`
          : html`<label for="${name}">${GUIDANCE_LABELS[name]}</label><input type="text" id="${name}" name="${name}" value="${values[name]}"${editable ? '' : html` readonly`}>`;
      render(req, res, {
        title: `${entry.licenceName}（${entry.code}）`,
        current: '/catalogue',
        body: html`
<dl class="facts">
  <dt>审批事项</dt><dd>${entry.approvalItem}</dd>
  <dt>有效期</dt><dd>${entry.validityText}</dd>
  <dt>审批科室</dt><dd>${entry.department.name}</dd>
  <dt>提前提醒</dt><dd>${entry.reminderLeadMonths} 个月</dd>
  <dt>版本</dt><dd>${entry.version}</dd>
</dl>
<h2>换证办事指南</h2>
<form method="post" action="/catalogue/${encodeURIComponent(entry.id)}">
  ${csrfField(res.locals.csrfToken as string)}
  ${Object.keys(GUIDANCE_LABELS).map(field)}
  ${editable ? html`<p><button type="submit">保存办事指南</button></p>` : html`<p class="hint">由督查人员维护。</p>`}
</form>
<h2>审管协同：推送换证决定的部门</h2>
${entry.regulatorsNotWanted
  ? html`<p>本事项的决定不推送任何部门（已明确设置）。</p>`
  : html`<ul>${entry.regulators.map((link) => html`<li>${link.regulator.name}（${ROLE_WORDS[link.role] ?? link.role}）</li>`)}</ul>`}
${admin
  ? html`<form method="post" action="/catalogue/${encodeURIComponent(entry.id)}/regulators">
  ${csrfField(res.locals.csrfToken as string)}
  <table>
    <thead><tr><th scope="col">监管部门</th><th scope="col">角色</th></tr></thead>
    <tbody>${bureauRegulators.map(
      (regulator) => html`<tr><td><label for="role-${regulator.id}">${regulator.name}</label></td><td><select id="role-${regulator.id}" name="role:${regulator.id}">${[
        ['', '不推送'],
        ['competent', '主管部门'],
        ['supervising', '监管部门'],
      ].map(([value, words]) => html`<option value="${value}"${roleOf(regulator.id) === value ? html` selected` : ''}>${words}</option>`)}</select></td></tr>`,
    )}</tbody>
  </table>
  <p><label><input type="checkbox" name="regulatorsNotWanted" value="true"${entry.regulatorsNotWanted ? html` checked` : ''}> 本事项的决定不推送任何部门</label></p>
  <p><button type="submit">保存推送部门</button> <a href="/regulators?bureau=${encodeURIComponent(entry.bureauCode)}">管理监管部门</a></p>
</form>`
  : ''}`,
      });
    }),
  );

  router.post(
    '/catalogue/:id',
    pageAccess(deps, ['supervisor', 'admin']),
    formAction(
      (req) => `/catalogue/${encodeURIComponent(String(req.params.id))}`,
      async (req, res) => {
        const entry = await entryOf(req);
        const guidance = formData(GuidanceForm, guidanceOf(req.body as Record<string, unknown>));
        await updateCatalogueEntry(deps, entry.id, guidance, actorOf(who(req)));
        deps.catalogueEntries.forget();
        res.redirect(303, withMessage(`/catalogue/${encodeURIComponent(entry.id)}`, 'notice', '办事指南已保存。'));
      },
    ),
  );

  router.post(
    '/catalogue/:id/regulators',
    pageAccess(deps, ['admin']),
    formAction(
      (req) => `/catalogue/${encodeURIComponent(String(req.params.id))}`,
      async (req, res) => {
        const entry = await entryOf(req);
        const body = req.body as Record<string, unknown>;
        const regulators = Object.entries(body)
          .filter(([name, role]) => name.startsWith('role:') && (role === 'competent' || role === 'supervising'))
          .map(([name, role]) => ({ id: name.slice('role:'.length), role: role as RegulatorRole }));
        const regulatorsNotWanted = body.regulatorsNotWanted === 'true';
        await updateCatalogueEntry(deps, entry.id, regulatorsNotWanted ? { regulatorsNotWanted } : { regulators, regulatorsNotWanted }, actorOf(who(req)));
        deps.catalogueEntries.forget();
        res.redirect(303, withMessage(`/catalogue/${encodeURIComponent(entry.id)}`, 'notice', '推送部门已保存，此后的决定按此推送。'));
      },
    ),
  );

  return router;
}
