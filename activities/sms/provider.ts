import { renderMessage, templateParameters, type MessageValues } from '../../domain/message-templates';

export const SMS_PROVIDERS = ['aliyun', 'tencent'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

/** How the engine reaches its SMS provider; unset values point at the local simulator. */
export interface SmsSettings {
  provider: SmsProviderName;
  /** The provider's API endpoint (Aliyun `https://dysmsapi.aliyuncs.com/`, Tencent `https://sms.tencentcloudapi.com/`). */
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved signature (签名). */
  signName: string;
  /** The template approved with the engine's default wording: Aliyun `TemplateCode`, Tencent `TemplateId`. */
  templateId: string;
  /** Tencent's `SmsSdkAppId`; unused by Aliyun. */
  sdkAppId: string;
  region: string;
  /** Sends per second this process may make; the provider's limit for the account. */
  qps: number;
  /** The longest value a template parameter may have (characters). */
  maxParamLength: number;
  /** The longest message, signature included (characters). */
  maxTextLength: number;
  /** How long the workflow waits for a delivery receipt before it records `unknown`. */
  receiptTimeoutHours: number;
  /**
   * After a send whose outcome was not learnt, how long the provider's records are asked before
   * the text is sent again: Tencent shows a text only once the carrier has reported it.
   */
  sendSettleMinutes: number;
  /**
   * Texts a number may get per day (the bureau's calendar day), as the account is set at the
   * provider; more wait for the next day. Unset: the provider's refusal alone defers them.
   */
  perNumberDailyLimit?: number;
  /**
   * Texts one provider template may send per day across the account, as the bureau caps it
   * (a budget, or the provider's own limit for the template); more wait for the next day.
   */
  perTemplateDailyLimit?: number;
}

/** The message a template and its values make, as the handset shows it (signature first). */
export function renderSms(template: string, values: Record<string, string>, signName: string): string {
  return `【${signName}】${renderMessage(template, values as MessageValues)}`;
}

/** Mainland mobile numbers; landlines and short numbers cannot receive an SMS. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * What stops a message before it is sent: a number no SMS reaches, a value over the provider's
 * parameter length, a message over its length. Empty when it may go.
 */
export function smsProblems(
  phone: string,
  template: string,
  values: MessageValues,
  settings: Pick<SmsSettings, 'maxParamLength' | 'maxTextLength' | 'signName'>,
): string[] {
  const problems: string[] = [];
  if (!MAINLAND_MOBILE.test(phone)) problems.push('invalid_number: not a mainland mobile number');
  for (const [name, value] of templateParameters(template, values)) {
    if (value.length > settings.maxParamLength) problems.push(`param ${name} has ${value.length} characters; the provider allows ${settings.maxParamLength}`);
  }
  const text = renderSms(template, values, settings.signName);
  if (text.length > settings.maxTextLength) problems.push(`the message has ${text.length} characters; the provider allows ${settings.maxTextLength}`);
  return problems;
}

export interface SmsSendRequest {
  phone: string;
  /** The provider's id of the approved template. */
  templateId: string;
  /** The template's parameters in the order it uses them. */
  params: Array<[name: string, value: string]>;
  /** Our key for the message, echoed in its receipt (Aliyun `OutId`, Tencent `SessionContext`). */
  outId: string;
  /** The signature (签名) the text goes under: the bureau's own, else the account's `signName`. */
  signName?: string;
  /**
   * Runs once the rate limit lets the request go, just before it leaves: a send that waited in the
   * queue when its worker died never reached the provider, and must not look as if it might have.
   */
  beforeRequest?: () => Promise<void>;
}

/** What the engine asks a provider after a send whose outcome it did not learn. */
export interface SentQuery {
  phone: string;
  outId: string;
  /** When the first attempt set out, and now: the provider's records are searched between them. */
  since: Date;
  until: Date;
}

/** How far back both providers' records of texts reach: Tencent's status pull, 7 days (Aliyun's, 30). */
export const PROVIDER_RECORDS_REACH_DAYS = 7;

/** One SMS provider's send API, and its records of what it sent. */
export interface SmsProvider {
  readonly name: SmsProviderName;
  /**
   * Sends one text. The providers do not drop a repeated request: every call that reaches them is
   * a text, and a charge.
   * @returns the provider's id of the accepted message, which its receipts carry.
   */
  send(request: SmsSendRequest): Promise<{ messageId: string }>;
  /**
   * The provider's record of a text sent under `outId` (Aliyun `QuerySendDetails`, Tencent
   * `PullSmsSendStatusByPhoneNumber`); undefined when it has none. Aliyun records a text as it
   * accepts it and names it by OutId only (`messageId` is then `outid:<OutId>`); Tencent only once
   * the carrier has reported, by its SerialNo.
   */
  findSent(query: SentQuery): Promise<SentRecord | undefined>;
}

/** A text in the provider's records, with the carrier's report once there is one. */
export interface SentRecord {
  messageId: string;
  report?: { status: 'delivered' | 'undeliverable'; reportCode: string };
}

/**
 * The id a text is recorded under when the engine learnt of it from the provider's records rather
 * than from its answer: Aliyun's QuerySendDetails names a text by its OutId alone.
 */
export function recordedByOutId(outId: string): string {
  return `outid:${outId}`;
}

/** Raised when the provider refuses a message: its code says why. */
export class SmsRefusedError extends Error {
  override name = 'SmsRefusedError';

  constructor(
    readonly provider: SmsProviderName,
    readonly code: string,
    message: string,
  ) {
    super(`${provider} refused the SMS: ${code} ${message}`);
  }
}

/**
 * Wraps a provider so that this process never starts more than `qps` sends in any one-second
 * window, however many activities run at once. Sends are paced 1000/qps ms apart; the window
 * check counts real start instants over 1.05 s, so that timer drift and network jitter on the
 * way to the provider do not put qps + 1 sends into one of its seconds.
 */
export function rateLimited(provider: SmsProvider, qps: number): SmsProvider {
  if (!(qps > 0)) throw new Error(`SMS_QPS must be above 0, got ${qps}`);
  const spacing = 1000 / qps;
  const windowMs = 1050;
  const perWindow = Math.max(1, Math.floor(qps));
  const starts: number[] = [];
  // Pacing follows the planned instants, so that a late timer is made up by the next one.
  let planned = 0;
  const nextSlot = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      const oldest = starts.length >= perWindow ? starts[starts.length - perWindow]! : -Infinity;
      const target = Math.max(planned + spacing, oldest + windowMs);
      if (target <= now) {
        // Behind by more than a slot (idle, or a long stall): pace from now rather than burst.
        planned = now - target > spacing ? now : target;
        starts.push(now);
        if (starts.length > perWindow) starts.shift();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, target - now));
    }
  };
  // Slots are handed out one at a time, in order; the sends themselves run concurrently.
  let queue: Promise<void> = Promise.resolve();
  return {
    name: provider.name,
    send: (request) => {
      const slot = queue.then(nextSlot);
      queue = slot;
      return slot.then(async () => {
        await request.beforeRequest?.();
        return provider.send(request);
      });
    },
    findSent: (query) => provider.findSent(query),
  };
}
