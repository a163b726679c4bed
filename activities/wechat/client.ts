import type { WechatTemplateData } from '../../domain/wechat-messages';

/** How the engine reaches the bureau's WeChat service account (服务号); unset values point at the local simulator. */
export interface WechatSettings {
  appId: string;
  appSecret: string;
  /** The API's origin: `https://api.weixin.qq.com`. */
  apiUrl: string;
  /** Where WeChat's web authorisation starts: `https://open.weixin.qq.com`. */
  oauthUrl: string;
  /** The licence-expiry template the account added (fields in domain/wechat-messages.ts). */
  templateId: string;
}

/** An answer of the WeChat API with a non-zero errcode. */
export class WechatApiError extends Error {
  override name = 'WechatApiError';

  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly endpoint: string,
  ) {
    super(`WeChat ${endpoint} answered errcode ${errcode}: ${errmsg}`);
  }
}

/** The access token was refused (invalid 40001, 40014, expired 42001): a fresh one is fetched and the call made once more. */
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);

/**
 * A token is used until this long before WeChat says it expires: a call made with it must arrive
 * while it is still good.
 */
const TOKEN_MARGIN_MS = 5 * 60_000;

const TIMEOUT_MS = 10_000;

/**
 * The WeChat official-account API the channel uses: the stable access token (one per account,
 * shared by every process, which the classic `/cgi-bin/token` is not: each call there ends the
 * others' tokens), template messages and the web authorisation's code exchange.
 */
export class WechatClient {
  private token?: { value: string; renewAt: number };
  private fetching?: Promise<string>;
  /** Tokens fetched by this client, for metrics and tests. */
  tokensFetched = 0;

  constructor(
    readonly settings: WechatSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached access token, fetched when there is none or it is close to expiry; concurrent callers share one fetch. */
  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const answer = await this.request('/cgi-bin/stable_token', {
      method: 'POST',
      body: { grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret, force_refresh: false },
    });
    const value = answer.access_token;
    const expiresIn = Number(answer.expires_in);
    if (typeof value !== 'string' || !Number.isFinite(expiresIn)) throw new Error('WeChat /cgi-bin/stable_token answered without access_token and expires_in');
    this.tokensFetched += 1;
    this.token = { value, renewAt: this.now() + Math.max(0, expiresIn * 1000 - TOKEN_MARGIN_MS) };
    return value;
  }

  /** Calls an endpoint that takes the access token; a refused token is replaced once. */
  private async withToken(path: string, body: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.request(path, { method: 'POST', body, query: { access_token: token } });
      } catch (error) {
        if (!(error instanceof WechatApiError) || !TOKEN_REFUSED.has(error.errcode) || attempt > 1) throw error;
        // Another caller may have replaced it already; only the refused token is dropped.
        if (this.token?.value === token) this.token = undefined;
      }
    }
  }

  /**
   * Sends a template message. WeChat drops a repeat of the same `clientMsgId` to the same openid
   * for ten minutes; after that a repeat is a second message.
   * @returns WeChat's msgid.
   */
  async sendTemplateMessage(message: { openId: string; data: WechatTemplateData; url?: string; clientMsgId: string }): Promise<string> {
    const answer = await this.withToken('/cgi-bin/message/template/send', {
      touser: message.openId,
      template_id: this.settings.templateId,
      ...(message.url ? { url: message.url } : {}),
      client_msg_id: message.clientMsgId,
      data: message.data,
    });
    return String(answer.msgid);
  }

  /** The holder's openid for a web-authorisation code (scope snsapi_base); a code serves once. */
  async openIdForCode(code: string): Promise<string> {
    const answer = await this.request('/sns/oauth2/access_token', {
      method: 'GET',
      query: { appid: this.settings.appId, secret: this.settings.appSecret, code, grant_type: 'authorization_code' },
    });
    if (typeof answer.openid !== 'string') throw new Error('WeChat /sns/oauth2/access_token answered without openid');
    return answer.openid;
  }

  /** Where a holder's browser inside WeChat goes to be named: WeChat sends it back to `redirectUri` with a code and `state`. */
  authorizeUrl(redirectUri: string, state: string): string {
    const query = new URLSearchParams({ appid: this.settings.appId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state });
    return `${this.settings.oauthUrl.replace(/\/+$/, '')}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }

  private async request(path: string, options: { method: 'GET' | 'POST'; body?: unknown; query?: Record<string, string> }): Promise<Record<string, unknown>> {
    const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
    const response = await fetch(`${this.settings.apiUrl.replace(/\/+$/, '')}${path}${query}`, {
      method: options.method,
      ...(options.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`WeChat ${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as Record<string, unknown>;
    // Every WeChat answer is HTTP 200: success and refusal differ by errcode alone.
    const errcode = Number(answer.errcode ?? 0);
    if (errcode !== 0) throw new WechatApiError(errcode, String(answer.errmsg ?? ''), path);
    return answer;
  }
}
