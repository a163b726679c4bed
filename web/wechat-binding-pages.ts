import QRCode from 'qrcode';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { WechatApiError, type WechatClient } from '../activities/wechat/client';
import { ApiError } from '../api/errors';
import { bindWechat, licenceOfBindingCode, WECHAT_BOUND_PATH, wechatBindingPath } from '../services/wechat-bindings';
import { handle, pageAccess, publicSiteOf, render, type WebDependencies } from './context';
import { html, SafeHtml } from './html';

// WeChat's in-app browser names itself so; its web authorisation works nowhere else.
const INSIDE_WECHAT = /MicroMessenger/i;

const AuthorisationAnswer = z.object({
  code: z.string().min(1).max(128).describe("WeChat's single-use authorisation code"),
  state: z.string().min(1).max(128).describe("the binding link's code, carried through WeChat's authorisation"),
});

/**
 * 微信绑定: the holder's side of the WeChat channel. A licence's binding link (in its letters and
 * prompts) opened inside WeChat goes through the service account's web authorisation, which names
 * the holder's openid; the licence's WeChat reminders then go there. Opened elsewhere, the page
 * shows the link as a QR code to scan with WeChat. Public: the random code is the only key.
 */
export function wechatBindingPages(deps: WebDependencies & { wechat?: WechatClient }): Router {
  const router = Router();
  const siteOf = (req: Request) => publicSiteOf(deps, req);
  const accountOrNotFound = () => {
    if (!deps.wechat) throw new ApiError(404, 'not_found', '本机关尚未开通微信提醒。');
    return deps.wechat;
  };

  router.get(
    '/wechat/bind/:code',
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const wechat = accountOrNotFound();
      const code = String(req.params.code);
      const licence = await licenceOfBindingCode(deps.prisma, code);
      if (INSIDE_WECHAT.test(req.get('user-agent') ?? '')) {
        res.set('cache-control', 'no-store').redirect(302, wechat.authorizeUrl(`${siteOf(req)}${WECHAT_BOUND_PATH}`, code));
        return;
      }
      const qr = await QRCode.toString(`${siteOf(req)}${wechatBindingPath(code)}`, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', width: 220 });
      render(req, res, {
        title: '绑定微信接收证照到期提醒',
        body: html`
<p>${licence.bureauName}将通过微信服务号提醒您：《${licence.licenceName}》（编号 ${licence.licenceNumber}）将于 ${licence.expiresOn} 到期。</p>
<p>请用微信“扫一扫”扫描下方二维码完成绑定，并关注${licence.bureauName}微信服务号。</p>
<figure class="qr">${new SafeHtml(qr)}</figure>`,
      });
    }),
  );

  router.get(
    WECHAT_BOUND_PATH,
    pageAccess(deps, 'anyone'),
    handle(async (req, res) => {
      const wechat = accountOrNotFound();
      const parsed = AuthorisationAnswer.safeParse(req.query);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', '绑定链接不完整，请重新打开证照提醒函或短信中的绑定链接。');
      let licence;
      try {
        licence = await bindWechat(deps.prisma, wechat, parsed.data, await deps.clock());
      } catch (error) {
        // 40029 invalid code, 40163 code used: the holder refreshed or went back; a new visit gets a new code.
        if (error instanceof WechatApiError && (error.errcode === 40029 || error.errcode === 40163)) {
          throw new ApiError(400, 'wechat_code_invalid', '微信授权已失效，请重新打开绑定链接。');
        }
        throw error;
      }
      render(req, res, {
        title: '微信绑定成功',
        body: html`
<p>您已绑定《${licence.licenceName}》（编号 ${licence.licenceNumber}）的到期提醒。</p>
<p>${licence.bureauName}将在证照到期前通过微信服务号提醒您办理延续（换证）。请保持关注服务号：取消关注后，提醒将改以短信发送。</p>`,
      });
    }),
  );
  return router;
}
