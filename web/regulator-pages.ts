import { Router, type Request } from 'express';
import { z } from 'zod';
import { assertBureau } from '../api/access';
import { actorOf } from '../services/access/principal';
import { ApiError } from '../api/errors';
import { RegulatorFields } from '../api/regulator-routes';
import { createRegulator, updateRegulator } from '../services/regulators';
import { blankAsUnset, bureauTabs, formAction, formData, handle, pageAccess, pageBureau, render, type WebDependencies, who, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';
import { shanghaiTime } from './words';

export const ROLE_WORDS: Record<string, string> = { competent: '主管部门', supervising: '监管部门' };

// A form's empty endpoint or key reference means the shared default.
const orNull = (value: unknown) => blankAsUnset(value) ?? null;
const RegulatorForm = z.object({ name: RegulatorFields.name, webhookUrl: z.preprocess(orNull, RegulatorFields.webhookUrl), secretRef: z.preprocess(orNull, RegulatorFields.secretRef) });
const NewRegulatorForm = RegulatorForm.extend({ code: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,59}$/) });

const FIELD_WORDS: Record<string, string> = { name: '名称', webhookUrl: '推送地址', secretRef: '签名密钥位置' };
const changeWords = (after: unknown) =>
  Object.entries((after ?? {}) as Record<string, unknown>)
    .map(([field, value]) => `${FIELD_WORDS[field] ?? field}：${value === null ? '默认' : String(value)}`)
    .join('；');

/** 监管部门: who hears of each bureau's decisions (审管协同), where, and under which key; the administrator keeps them. */
export function regulatorPages(deps: WebDependencies): Router {
  const router = Router();

  const regulatorOf = async (req: Request) => {
    const regulator = await deps.prisma.regulator.findUnique({
      where: { id: String(req.params.id) },
      include: { bureau: true, catalogue: { include: { catalogueEntry: true }, orderBy: { catalogueEntryId: 'asc' } }, changes: { orderBy: { version: 'desc' } } },
    });
    if (!regulator) throw ApiError.notFound(`Regulator ${req.params.id}`);
    assertBureau(who(req), regulator.bureauCode);
    return regulator;
  };
  const fields = (values: { name?: string; webhookUrl?: string | null; secretRef?: string | null }, readonly: boolean) => html`
  <label for="name">名称</label><input type="text" id="name" name="name" value="${values.name ?? ''}" required${readonly ? html` readonly` : ''}>
  <label for="webhookUrl">推送地址（空则用默认地址）</label><input type="url" id="webhookUrl" name="webhookUrl" value="${values.webhookUrl ?? ''}"${readonly ? html` readonly` : ''}>
  <label for="secretRef">签名密钥位置（env:变量名 或 file:/路径；空则用默认密钥）</label><input type="text" id="secretRef" name="secretRef" value="${values.secretRef ?? ''}"${readonly ? html` readonly` : ''}>`;

  router.get(
    '/regulators',
    pageAccess(deps, ['supervisor', 'admin']),
    handle(async (req, res) => {
      const bureau = await pageBureau(deps, req);
      const regulators = await deps.prisma.regulator.findMany({
        where: { bureauCode: bureau.code },
        include: { catalogue: { where: { catalogueEntry: { retiredAt: null } } } },
        orderBy: { id: 'asc' },
      });
      const admin = who(req).role === 'admin';
      render(req, res, {
        title: `监管部门 · ${bureau.name}`,
        current: '/regulators',
        body: html`
${await bureauTabs(deps, req, bureau, '/regulators')}
<p class="hint">换证决定、注销和逾期未换证的情况推送给这些部门（审管协同）。每个提醒事项在“提醒目录”中指定其主管部门和监管部门。</p>
<table>
  <caption>${bureau.name} 共 ${regulators.length} 个监管部门</caption>
  <thead><tr><th scope="col">名称</th><th scope="col">编号</th><th scope="col">推送地址</th><th scope="col">签名密钥位置</th><th scope="col">关联事项</th></tr></thead>
  <tbody>${regulators.map(
    (regulator) =>
      html`<tr><td><a href="/regulators/${encodeURIComponent(regulator.id)}">${regulator.name}</a></td><td>${regulator.id}</td><td>${regulator.webhookUrl ?? '默认地址'}</td><td>${regulator.secretRef ?? '默认密钥'}</td><td>${regulator.catalogue.length}</td></tr>`,
  )}</tbody>
</table>
${admin
  ? html`<h2>新增监管部门</h2>
<form method="post" action="/regulators">
  ${csrfField(res.locals.csrfToken as string)}
  <input type="hidden" name="bureau" value="${bureau.code}">
  <label for="code">编号（小写字母、数字和 -，如 market-supervision）</label><input type="text" id="code" name="code" required>
  ${fields({}, false)}
  <p><button type="submit">新增</button></p>
</form>`
  : ''}`,
      });
    }),
  );

  router.post(
    '/regulators',
    pageAccess(deps, ['admin']),
    formAction(
      (req) => `/regulators?bureau=${encodeURIComponent(String(req.body?.bureau ?? ''))}`,
      async (req, res) => {
        const bureau = await pageBureau(deps, req);
        const form = formData(NewRegulatorForm, req.body);
        const created = await createRegulator(deps.prisma, { ...form, bureau: bureau.code }, actorOf(who(req)));
        res.redirect(303, withMessage(`/regulators/${encodeURIComponent(created.id)}`, 'notice', '监管部门已新增，请在“提醒目录”中把它指定给相关事项。'));
      },
    ),
  );

  router.get(
    '/regulators/:id',
    pageAccess(deps, ['supervisor', 'admin']),
    handle(async (req, res) => {
      const regulator = await regulatorOf(req);
      const admin = who(req).role === 'admin';
      render(req, res, {
        title: `${regulator.name}（${regulator.id}）`,
        current: '/regulators',
        body: html`
<form method="post" action="/regulators/${encodeURIComponent(regulator.id)}">
  ${csrfField(res.locals.csrfToken as string)}
  ${fields(regulator, !admin)}
  ${admin ? html`<p><button type="submit">保存</button></p>` : html`<p class="hint">由系统管理员维护。</p>`}
</form>
<h2>推送这些事项的决定</h2>
<ul>${regulator.catalogue.map(
          (link) => html`<li><a href="/catalogue/${encodeURIComponent(link.catalogueEntryId)}">${link.catalogueEntry.licenceName}（${link.catalogueEntry.code}）</a> · ${ROLE_WORDS[link.role] ?? link.role}</li>`,
        )}</ul>
<h2>修改记录</h2>
<table>
  <thead><tr><th scope="col">版本</th><th scope="col">时间</th><th scope="col">修改人</th><th scope="col">内容</th></tr></thead>
  <tbody>${regulator.changes.map(
    (change) => html`<tr><td>${change.version}</td><td>${shanghaiTime(change.changedAt, regulator.bureau.timeZone)}</td><td>${change.changedBy}</td><td>${changeWords(change.after)}</td></tr>`,
  )}</tbody>
</table>`,
      });
    }),
  );

  router.post(
    '/regulators/:id',
    pageAccess(deps, ['admin']),
    formAction(
      (req) => `/regulators/${encodeURIComponent(String(req.params.id))}`,
      async (req, res) => {
        const regulator = await regulatorOf(req);
        await updateRegulator(deps.prisma, regulator.id, formData(RegulatorForm, req.body), actorOf(who(req)));
        res.redirect(303, withMessage(`/regulators/${encodeURIComponent(regulator.id)}`, 'notice', '已保存，下一次推送起生效。'));
      },
    ),
  );

  return router;
}
