import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { WECHAT_TEMPLATE_FIELDS, wechatFieldProblems, type WechatFieldType, type WechatTemplateData } from '../domain/wechat-messages';

/** The simulated service account: the engine's defaults point at it. */
export interface WechatAccount {
  appId: string;
  appSecret: string;
  /** The licence-expiry template the account added. */
  templateId: string;
}

export const LOCAL_WECHAT_ACCOUNT: WechatAccount = { appId: 'wx5f1a0c3e7d2b4a69', appSecret: 'local-wechat-app-secret', templateId: 'LICENCE_EXPIRY_REMINDER' };

/** A template message the simulated account delivered to a follower. */
export interface SimulatedWechatMessage {
  msgId: string;
  openId: string;
  templateId: string;
  data: WechatTemplateData;
  url?: string;
  clientMsgId?: string;
  at: string;
}

/** How one send to an openid goes wrong: the connection drops after WeChat accepted the message (it still goes), or before. */
export type WechatSendFault = 'reset_after_accept' | 'reset_before_accept';

const TOKEN_LIFETIME_S = 7200;
const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;
const FIELD_TYPES: Record<string, WechatFieldType> = Object.fromEntries(Object.entries(WECHAT_TEMPLATE_FIELDS).map(([key, field]) => [key, field.type]));

/**
 * A local WeChat official-account API: the stable access token (valid two hours on the
 * simulator's clock, the same token until then), template messages with WeChat's errcodes
 * (40001/42001 for a bad or expired token, 40003, 43004 for a holder who does not follow the
 * account, 40037, 47003 for a field over its type's limit, 45009 for the daily quota), the
 * client_msg_id that drops a repeat for ten minutes and no longer, and the web authorisation
 * (snsapi_base): the authorize page sends the browser straight back with a single-use code.
 */
export class WechatSimulator {
  readonly messages: SimulatedWechatMessage[] = [];
  /** Send requests seen, accepted or not. */
  sendRequests = 0;
  tokensIssued = 0;
  /** Template messages the account may send per day of the simulator's clock before 45009; none unless set. */
  dailyQuota: number | undefined;
  /** Followers of the account, by openid: `false` for one who unfollowed. */
  private readonly followers = new Map<string, boolean>();
  private token: { value: string; expiresAt: number } | undefined;
  private readonly codes = new Map<string, { openId: string; used: boolean }>();
  private readonly faults = new Map<string, WechatSendFault[]>();

  constructor(
    readonly account: WechatAccount,
    private readonly clock: () => number | Promise<number>,
  ) {}

  /** A WeChat user who follows the account; its openid. */
  follower(openId = `o${randomBytes(14).toString('base64url')}`): string {
    this.followers.set(openId, true);
    return openId;
  }

  unfollow(openId: string): void {
    this.followers.set(openId, false);
  }

  /** Makes the next sends to an openid fail, one fault each. */
  failSends(openId: string, ...faults: WechatSendFault[]): void {
    this.faults.set(openId, [...(this.faults.get(openId) ?? []), ...faults]);
  }

  /** Ends the current token at once, as WeChat does when the account resets its secret. */
  expireToken(): void {
    this.token = undefined;
  }

  router(): Router {
    const router = Router();
    router.use(express.json({ limit: '1mb' }));

    router.post('/cgi-bin/stable_token', async (req, res) => {
      const { appid, secret, grant_type: grantType } = (req.body ?? {}) as Record<string, unknown>;
      if (grantType !== 'client_credential') return refuse(res, 40002, 'invalid grant_type');
      if (appid !== this.account.appId) return refuse(res, 40013, 'invalid appid');
      if (secret !== this.account.appSecret) return refuse(res, 40125, 'invalid appsecret');
      const now = await this.clock();
      if (!this.token || this.token.expiresAt <= now) {
        this.token = { value: randomBytes(24).toString('base64url'), expiresAt: now + TOKEN_LIFETIME_S * 1000 };
        this.tokensIssued += 1;
      }
      res.json({ access_token: this.token.value, expires_in: Math.floor((this.token.expiresAt - now) / 1000) });
    });

    router.post('/cgi-bin/message/template/send', async (req, res) => {
      this.sendRequests += 1;
      const refused = await this.tokenProblem(req);
      if (refused) return refuse(res, refused.errcode, refused.errmsg);
      const body = (req.body ?? {}) as { touser?: string; template_id?: string; url?: string; client_msg_id?: string; data?: WechatTemplateData };
      if (body.template_id !== this.account.templateId) return refuse(res, 40037, 'invalid template_id');
      const openId = String(body.touser ?? '');
      if (!this.followers.has(openId)) return refuse(res, 40003, 'invalid openid');
      if (!this.followers.get(openId)) return refuse(res, 43004, 'require subscribe');
      const problems = wechatFieldProblems(body.data ?? {}, FIELD_TYPES);
      if (problems.length > 0) return refuse(res, 47003, `argument invalid! ${problems.join('; ')}`);
      const now = await this.clock();
      const at = new Date(now).toISOString();
      const repeat = body.client_msg_id
        ? this.messages.find((sent) => sent.openId === openId && sent.clientMsgId === body.client_msg_id && now - Date.parse(sent.at) <= CLIENT_MSG_ID_WINDOW_MS)
        : undefined;
      const fault = this.faults.get(openId)?.shift();
      if (fault === 'reset_before_accept') return void req.socket.destroy();
      if (repeat) return void res.json({ errcode: 0, errmsg: 'ok', msgid: Number(repeat.msgId) });
      const day = at.slice(0, 10);
      if (this.dailyQuota !== undefined && this.messages.filter((sent) => sent.at.startsWith(day)).length >= this.dailyQuota) {
        return refuse(res, 45009, 'reach max api daily quota limit');
      }
      const message: SimulatedWechatMessage = {
        msgId: String(2_000_000_000 + this.messages.length + 1),
        openId,
        templateId: body.template_id,
        data: body.data ?? {},
        ...(body.url ? { url: body.url } : {}),
        ...(body.client_msg_id ? { clientMsgId: body.client_msg_id } : {}),
        at,
      };
      this.messages.push(message);
      if (fault === 'reset_after_accept') return void req.socket.destroy();
      res.json({ errcode: 0, errmsg: 'ok', msgid: Number(message.msgId) });
    });

    // The holder's WeChat opens this page; a test names the holder with x-simulated-openid, else a new follower arrives.
    router.get('/connect/oauth2/authorize', (req, res) => {
      const { appid, redirect_uri: redirectUri, response_type: responseType, scope, state } = req.query as Record<string, string | undefined>;
      if (appid !== this.account.appId || responseType !== 'code' || !redirectUri || (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')) {
        res.status(400).type('text').send('参数错误');
        return;
      }
      const openId = req.header('x-simulated-openid') ?? this.follower();
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, { openId, used: false });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      if (state !== undefined) back.searchParams.set('state', state);
      res.redirect(302, back.toString());
    });

    router.get('/sns/oauth2/access_token', (req, res) => {
      const { appid, secret, code, grant_type: grantType } = req.query as Record<string, string | undefined>;
      if (appid !== this.account.appId) return refuse(res, 40013, 'invalid appid');
      if (secret !== this.account.appSecret) return refuse(res, 40125, 'invalid appsecret');
      if (grantType !== 'authorization_code') return refuse(res, 40002, 'invalid grant_type');
      const granted = code ? this.codes.get(code) : undefined;
      if (!granted) return refuse(res, 40029, 'invalid code');
      if (granted.used) return refuse(res, 40163, 'code been used');
      granted.used = true;
      res.json({ access_token: randomBytes(24).toString('base64url'), expires_in: TOKEN_LIFETIME_S, refresh_token: randomBytes(24).toString('base64url'), openid: granted.openId, scope: 'snsapi_base' });
    });
    return router;
  }

  private async tokenProblem(req: Request): Promise<{ errcode: number; errmsg: string } | undefined> {
    const given = typeof req.query.access_token === 'string' ? req.query.access_token : '';
    if (!this.token || given !== this.token.value) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (this.token.expiresAt <= (await this.clock())) return { errcode: 42001, errmsg: 'access_token expired' };
    return undefined;
  }
}

function refuse(res: Response, errcode: number, errmsg: string): void {
  // WeChat answers every refusal with HTTP 200; errcode alone says what went wrong.
  res.json({ errcode, errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}` });
}
