import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError } from '../api/errors';
import { AccessInputError, createUser, issueApiKey, revokeApiKey } from '../services/access/credentials';
import { PERSON_ROLES, ROLE_WORDS } from '../services/access/principal';
import { formAction, handle, pageAccess, render, type WebDependencies, withMessage } from './context';
import { html } from './html';
import { csrfField } from './layout';
import { shanghaiTime } from './words';
import { PasswordSchema } from '../services/access/password-strength';

const NewUserForm = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  displayName: z.string().trim().min(1).max(100),
  password: PasswordSchema,
  role: z.enum(PERSON_ROLES),
  bureauCode: z.string().optional(),
  departmentId: z.string().optional(),
});

const NewKeyForm = z.object({ name: z.string().trim().min(1).max(100), bureauCode: z.string().min(1) });

const asFormError = (error: unknown) => (error instanceof AccessInputError ? ApiError.invalid([{ path: error.field, message: error.message }]) : error);

/** The administrator's page: people's accounts and approval systems' API keys. */
export function adminPage(deps: WebDependencies): Router {
  const router = Router();
  const admins = pageAccess(deps, ['admin']);

  // The page; a newly issued key's secret is shown in the answer to the POST itself, never in a URL.
  const adminView = async (req: Request, res: Response, issued?: string) => {
    const [users, keys, departments, bureaus] = await Promise.all([
      deps.prisma.user.findMany({ orderBy: { username: 'asc' } }),
      deps.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } }),
      deps.prisma.department.findMany({ orderBy: [{ bureauCode: 'asc' }, { name: 'asc' }] }),
      deps.prisma.bureau.findMany({ orderBy: { code: 'asc' } }),
    ]);
    const token = res.locals.csrfToken as string;
    res.set('cache-control', 'no-store');
    render(req, res, {
      title: '用户与密钥',
      current: '/admin',
      body: html`
<table>
  <caption>用户</caption>
  <thead><tr><th scope="col">用户名</th><th scope="col">姓名</th><th scope="col">角色</th><th scope="col">审批局</th><th scope="col">科室</th><th scope="col">状态</th></tr></thead>
  <tbody>${users.map(
    (user) => html`<tr><td>${user.username}</td><td>${user.displayName}</td><td>${ROLE_WORDS[user.role as keyof typeof ROLE_WORDS] ?? user.role}</td><td>${user.bureauCode ?? '全部'}</td><td>${user.departmentId?.split(':')[1] ?? ''}</td><td>${user.disabledAt ? '已停用' : '正常'}</td></tr>`,
  )}</tbody>
</table>
<h2>新建用户</h2>
<form method="post" action="/admin/users">
  ${csrfField(token)}
  <label for="username">用户名</label><input type="text" id="username" name="username" required pattern="[a-z0-9._-]{2,40}" aria-describedby="username-hint">
  <p class="hint" id="username-hint">2–40 位小写字母、数字、点、横线或下划线。</p>
  <label for="displayName">姓名</label><input type="text" id="displayName" name="displayName" required>
  <label for="new-password">初始密码</label><input type="password" id="new-password" name="password" required minlength="10" autocomplete="new-password">
  <label for="role">角色</label>
  <select id="role" name="role">${PERSON_ROLES.map((role) => html`<option value="${role}">${ROLE_WORDS[role]}</option>`)}</select>
  <label for="departmentId">科室（提醒服务专员必填）</label>
  <select id="departmentId" name="departmentId"><option value="">—</option>${departments.map((department) => html`<option value="${department.id}">${department.bureauCode} · ${department.name}</option>`)}</select>
  <label for="bureauCode">审批局（督查人员必填）</label>
  <select id="bureauCode" name="bureauCode"><option value="">—</option>${bureaus.map((bureau) => html`<option value="${bureau.code}">${bureau.name}</option>`)}</select>
  <p><button type="submit">创建用户</button></p>
</form>
<h2 id="keys">审批业务系统 API 密钥</h2>
${issued ? html`<p class="notice" role="status">新密钥（仅显示这一次，请立即保存）：<code>${issued}</code></p>` : ''}
<table aria-labelledby="keys">
  <thead><tr><th scope="col">名称</th><th scope="col">审批局</th><th scope="col">前缀</th><th scope="col">创建</th><th scope="col">最近使用</th><th scope="col">状态</th></tr></thead>
  <tbody>${keys.map(
    (key) => html`<tr><td>${key.name}</td><td>${key.bureauCode}</td><td><code>${key.hint}…</code></td><td>${shanghaiTime(key.createdAt)}</td><td>${key.lastUsedAt ? shanghaiTime(key.lastUsedAt) : '—'}</td><td>${
    key.revokedAt
      ? '已吊销'
      : html`<form method="post" action="/admin/api-keys/${key.id}/revoke" class="inline">${csrfField(token)}<button type="submit" class="secondary" aria-label="吊销密钥 ${key.name}">吊销</button></form>`
    }</td></tr>`,
  )}</tbody>
</table>
<form method="post" action="/admin/api-keys">
  ${csrfField(token)}
  <label for="key-name">系统名称</label><input type="text" id="key-name" name="name" required>
  <label for="key-bureau">审批局</label>
  <select id="key-bureau" name="bureauCode">${bureaus.map((bureau) => html`<option value="${bureau.code}">${bureau.name}</option>`)}</select>
  <p><button type="submit">签发密钥</button></p>
</form>`,
    });
  };

  router.get(
    '/admin',
    admins,
    handle((req, res) => adminView(req, res)),
  );

  router.post(
    '/admin/users',
    admins,
    formAction(
      () => '/admin',
      async (req, res) => {
        const body = req.body as Record<string, string>;
        const form = NewUserForm.safeParse({ ...body, bureauCode: body.bureauCode || undefined, departmentId: body.departmentId || undefined });
        if (!form.success) throw ApiError.invalid(form.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
        await createUser(deps.prisma, form.data).catch((error: unknown) => {
          throw asFormError(error);
        });
        res.redirect(303, withMessage('/admin', 'notice', `已创建用户 ${form.data.username}。`));
      },
    ),
  );

  router.post(
    '/admin/api-keys',
    admins,
    formAction(
      () => '/admin',
      async (req, res) => {
        const form = NewKeyForm.safeParse(req.body);
        if (!form.success) throw ApiError.invalid(form.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
        const { secret } = await issueApiKey(deps.prisma, form.data).catch((error: unknown) => {
          throw asFormError(error);
        });
        await adminView(req, res, secret);
      },
    ),
  );

  router.post(
    '/admin/api-keys/:id/revoke',
    admins,
    formAction(
      () => '/admin',
      async (req, res) => {
        if (!(await revokeApiKey(deps.prisma, String(req.params.id)))) throw ApiError.notFound(`API key ${req.params.id}`);
        deps.access.forgetApiKeys();
        res.redirect(303, withMessage('/admin#keys', 'notice', '密钥已吊销。'));
      },
    ),
  );

  return router;
}
