import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { aliyunRpcSignature, tc3Signature } from '../activities/sms/signatures';
import { renderSms, type SmsProviderName } from '../activities/sms/provider';
import { templateValueNames } from '../domain/message-templates';

/** A text message the simulated provider accepted. */
export interface SimulatedSms {
  messageId: string;
  provider: SmsProviderName;
  phone: string;
  text: string;
  /** The sender's OutId / SessionContext. */
  clientToken: string;
  /** The signature (签名) the text went out under, which the holder's reply names. */
  signName: string;
  at: string;
}

/**
 * How a send to a number goes wrong once: the connection is reset after the provider accepted the
 * text (the sender never hears of it, yet it goes), or before (nothing went).
 */
export type SendFault = 'reset_after_accept' | 'reset_before_accept';

/** What the simulated carrier reports for a number. */
export type ReceiptPlan =
  | { kind: 'delivered'; duplicate?: boolean }
  | { kind: 'failed'; code: string; duplicate?: boolean }
  /** The carrier reports (the provider's records show it) but the provider's push never reaches the engine. */
  | { kind: 'lost_callback'; code?: string }
  /** No receipt at all; `postReceipt` can send one later (a late receipt). */
  | { kind: 'none' };

/** A report waiting for its push, and what to release once it is pushed. */
interface QueuedReceipt {
  message: SimulatedSms;
  failureCode: string | undefined;
  release(): Promise<void>;
}

/** What the simulator needs to check signatures and to call the engine back. */
export interface SmsSimulatorOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** The engine's receipt endpoint for a provider, secret included. */
  receiptUrl(provider: SmsProviderName): string;
  /** The engine's endpoint for holders' replies, secret included. */
  replyUrl(provider: SmsProviderName): string;
  /** The account's approved templates: the wording approved under an id, if any. */
  approvedTemplate(templateId: string): Promise<string | undefined>;
  /** How long after answering the send the carrier reports (real ms), and so how long a push gathers reports; 20 unless set. */
  receiptDelayMs?: number;
  /**
   * Called as a receipt is scheduled; what it returns, once the receipt has been posted. A test
   * on the time-skipping server holds that server's clock meanwhile: a carrier reports within
   * seconds while the engine waits hours, and a skip must not jump over a receipt on its way.
   */
  holdTime?(): Promise<() => Promise<void>>;
}

/**
 * A local SMS provider speaking Aliyun's RPC API (`SendSms`, `QuerySendDetails`) and Tencent
 * Cloud's TC3-signed API (`SendSms`, `PullSmsSendStatusByPhoneNumber`): it checks the signature,
 * answers with a message id, and posts delivery receipts in the provider's own report format to the
 * engine, as the carrier would report them. Like the real providers it does not drop a repeated
 * send: every request it accepts is one more text (and one more charge).
 */
export class SmsProviderSimulator {
  readonly sms: SimulatedSms[] = [];
  /** Send requests seen, accepted or not, with the instant each arrived (wall clock, ms). */
  readonly arrivals: number[] = [];
  /** Questions about sent texts (QuerySendDetails, PullSmsSendStatusByPhoneNumber) answered. */
  queries = 0;
  /** Texts a number may receive per China day before the provider refuses more (its business limit control); none unless set. */
  perNumberDailyLimit: number | undefined;
  /** The number of reports in each receipt push, in order. */
  readonly receiptPushes: number[] = [];
  private readonly receiptQueues = new Map<SmsProviderName, QueuedReceipt[]>();
  /** Replies the simulated holders sent; Aliyun's sequence ids count them. */
  private repliesSent = 0;
  private lastReplyPush: { provider: SmsProviderName; body: unknown } | undefined;
  private readonly plans = new Map<string, ReceiptPlan>();
  private readonly faults = new Map<string, SendFault[]>();
  /** Messages whose carrier report was posted: what Tencent's status pull shows. */
  /** What the carrier reported on each text the provider holds a report for: its failure code, or null when delivered. */
  private readonly reported = new Map<string, string | null>();

  constructor(
    private readonly options: SmsSimulatorOptions,
    private readonly stamp: () => Promise<string>,
  ) {}

  /** Makes the next sends to a number fail in these ways, one each, in order. */
  failNextSends(phone: string, ...faults: SendFault[]): void {
    this.faults.set(phone, [...(this.faults.get(phone) ?? []), ...faults]);
  }

  /** How many texts were accepted under each OutId / SessionContext: above 1 is a text sent twice. */
  textsPerClientToken(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.sms) counts.set(message.clientToken, (counts.get(message.clientToken) ?? 0) + 1);
    return counts;
  }

  private nextFault(phone: string): SendFault | undefined {
    return this.faults.get(phone)?.shift();
  }

  /** Sets what the carrier reports for a number; unset numbers are delivered. */
  setReceiptPlan(phone: string, plan: ReceiptPlan | undefined): void {
    if (plan) this.plans.set(phone, plan);
    else this.plans.delete(phone);
  }

  router(): Router {
    const router = Router();
    router.post('/aliyun', express.urlencoded({ extended: false }), async (req, res) => {
      const parameters = req.body as Record<string, string>;
      if (parameters.AccessKeyId !== this.options.accessKeyId || !parameters.Signature) {
        res.status(404).json({ Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
        return;
      }
      const expected = aliyunRpcSignature('POST', parameters, this.options.accessKeySecret);
      if (!sameText(expected, parameters.Signature)) {
        res.status(400).json({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
        return;
      }
      if (parameters.Action === 'QuerySendDetails') {
        res.json(this.aliyunSendDetails(parameters));
        return;
      }
      this.arrivals.push(Date.now());
      if (parameters.Action !== 'SendSms' || !parameters.PhoneNumbers || !parameters.TemplateParam || !parameters.OutId) {
        res.json({ Code: 'isv.INVALID_PARAMETERS', Message: 'PhoneNumbers, TemplateParam and OutId are required' });
        return;
      }
      if (!/^1[3-9]\d{9}$/.test(parameters.PhoneNumbers)) {
        res.json({ Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'invalid mobile number' });
        return;
      }
      const template = await this.options.approvedTemplate(parameters.TemplateCode ?? '');
      if (!template) {
        res.json({ Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: `template ${parameters.TemplateCode ?? ''} is not approved for this account` });
        return;
      }
      const params = JSON.parse(parameters.TemplateParam) as Record<string, string>;
      const missing = templateValueNames(template).filter((name) => !params[name]);
      if (missing.length > 0) {
        res.json({ Code: 'isv.INVALID_PARAMETERS', Message: `TemplateParam lacks ${missing.join(', ')}` });
        return;
      }
      // The clock is read first: the limit's count and the text's record then happen at once, as at the provider.
      const at = await this.stamp();
      if (this.overDailyLimit(parameters.PhoneNumbers, at)) {
        res.json({ Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发号码天级流控Permits:' + this.perNumberDailyLimit, RequestId: randomUUID() });
        return;
      }
      const fault = this.nextFault(parameters.PhoneNumbers);
      if (fault === 'reset_before_accept') return void req.socket.destroy();
      const message = await this.accept('aliyun', parameters.PhoneNumbers, renderSms(template, params, parameters.SignName ?? ''), parameters.OutId, parameters.SignName ?? '', at);
      if (fault === 'reset_after_accept') return void req.socket.destroy();
      res.json({ Code: 'OK', Message: 'OK', BizId: message.messageId, RequestId: randomUUID() });
    });

    router.post('/tencent', express.text({ type: '*/*' }), async (req, res) => {
      const payload = typeof req.body === 'string' ? req.body : '';
      const refused = (Code: string, Message: string) => res.json({ Response: { Error: { Code, Message }, RequestId: randomUUID() } });
      if (!this.tc3Valid(req, payload)) {
        refused('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
        return;
      }
      if (req.header('x-tc-action') === 'PullSmsSendStatusByPhoneNumber') {
        res.json(this.tencentSendStatus(JSON.parse(payload) as { PhoneNumber?: string; BeginTime?: number; EndTime?: number; Offset?: number; Limit?: number }));
        return;
      }
      this.arrivals.push(Date.now());
      const body = JSON.parse(payload) as { PhoneNumberSet?: string[]; TemplateId?: string; TemplateParamSet?: string[]; SignName?: string; SessionContext?: string };
      const phone = body.PhoneNumberSet?.[0]?.replace(/^\+86/, '') ?? '';
      if (!/^1[3-9]\d{9}$/.test(phone)) {
        refused('InvalidParameterValue.IncorrectPhoneNumber', 'incorrect phone number');
        return;
      }
      const template = await this.options.approvedTemplate(body.TemplateId ?? '');
      if (!template) {
        refused('FailedOperation.TemplateIncorrectOrUnapproved', `template ${body.TemplateId ?? ''} is not approved`);
        return;
      }
      const names = templateValueNames(template);
      const values = body.TemplateParamSet ?? [];
      if (values.length !== names.length) {
        refused('InvalidParameterValue.TemplateParameterFormatError', `the template takes ${names.length} parameters, got ${values.length}`);
        return;
      }
      const text = renderSms(template, Object.fromEntries(names.map((name, index) => [name, values[index]!])), body.SignName ?? '');
      const at = await this.stamp();
      if (this.overDailyLimit(phone, at)) {
        // Tencent answers a refused number in its send status, not as an error of the call.
        res.json({ Response: { SendStatusSet: [{ SerialNo: '', PhoneNumber: `+86${phone}`, Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'the number has reached its daily limit' }], RequestId: randomUUID() } });
        return;
      }
      const fault = this.nextFault(phone);
      if (fault === 'reset_before_accept') return void req.socket.destroy();
      const message = await this.accept('tencent', phone, text, body.SessionContext ?? '', body.SignName ?? '', at);
      if (fault === 'reset_after_accept') return void req.socket.destroy();
      res.json({
        Response: { SendStatusSet: [{ SerialNo: message.messageId, PhoneNumber: `+86${phone}`, Code: 'Ok', Message: 'send success', SessionContext: message.clientToken }], RequestId: randomUUID() },
      });
    });
    return router;
  }

  private tc3Valid(req: Request, payload: string): boolean {
    const authorization = req.header('authorization') ?? '';
    const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match || match[1] !== this.options.accessKeyId) return false;
    const expected = tc3Signature(
      { host: req.header('host') ?? '', service: 'sms', timestamp: Number(req.header('x-tc-timestamp')), contentType: req.header('content-type') ?? '', payload },
      this.options.accessKeySecret,
    );
    return sameText(expected, match[2]!);
  }

  private overDailyLimit(phone: string, at: string): boolean {
    if (this.perNumberDailyLimit === undefined) return false;
    const today = chinaDay(at);
    return this.sms.filter((message) => message.phone === phone && chinaDay(message.at) === today).length >= this.perNumberDailyLimit;
  }

  /** Aliyun's `QuerySendDetails`: the number's texts of one day (China time), paged, each with its OutId; shown as soon as accepted. */
  private aliyunSendDetails(parameters: Record<string, string>) {
    this.queries += 1;
    const day = parameters.SendDate ?? '';
    const pageSize = Math.min(50, Number(parameters.PageSize) || 10);
    const page = Math.max(1, Number(parameters.CurrentPage) || 1);
    const texts = this.sms.filter((message) => message.provider === 'aliyun' && message.phone === parameters.PhoneNumber && chinaDay(message.at) === day);
    const details = texts.slice((page - 1) * pageSize, page * pageSize).map((message) => ({
      PhoneNum: message.phone,
      // 1 waiting for the carrier, 2 failed, 3 delivered.
      SendStatus: !this.reported.has(message.messageId) ? 1 : this.reported.get(message.messageId) ? 2 : 3,
      ErrCode: !this.reported.has(message.messageId) ? '' : (this.reported.get(message.messageId) ?? 'DELIVERED'),
      Content: message.text,
      SendDate: message.at.replace('T', ' ').slice(0, 19),
      OutId: message.clientToken,
    }));
    return { Code: 'OK', Message: 'OK', TotalCount: texts.length, SmsSendDetailDTOs: { SmsSendDetailDTO: details }, RequestId: randomUUID() };
  }

  /** Tencent's `PullSmsSendStatusByPhoneNumber`: only the texts the carrier has reported on, with their SessionContext. */
  private tencentSendStatus(query: { PhoneNumber?: string; BeginTime?: number; EndTime?: number; Offset?: number; Limit?: number }) {
    this.queries += 1;
    const phone = (query.PhoneNumber ?? '').replace(/^\+86/, '');
    const within = (at: string) => Date.parse(at) / 1000 >= (query.BeginTime ?? 0) && Date.parse(at) / 1000 <= (query.EndTime ?? Infinity);
    const texts = this.sms.filter((message) => message.provider === 'tencent' && message.phone === phone && this.reported.has(message.messageId) && within(message.at));
    const offset = query.Offset ?? 0;
    const statuses = texts.slice(offset, offset + Math.min(100, query.Limit ?? 100)).map((message) => ({
      UserReceiveTime: message.at,
      CountryCode: '86',
      SubscriberNumber: message.phone,
      PhoneNumber: `+86${message.phone}`,
      SerialNo: message.messageId,
      ReportStatus: this.reported.get(message.messageId) ? 'FAIL' : 'SUCCESS',
      Description: this.reported.get(message.messageId) ?? '用户短信送达成功',
      SessionContext: message.clientToken,
    }));
    return { Response: { PullSmsSendStatusSet: statuses, RequestId: randomUUID() } };
  }

  /** Records a message, however many were sent under the same client token, and reports on it. */
  private async accept(provider: SmsProviderName, phone: string, text: string, clientToken: string, signName: string, at: string): Promise<SimulatedSms> {
    const messageId = provider === 'aliyun' ? `${Date.now()}^${randomUUID().slice(0, 8)}` : randomUUID();
    const message: SimulatedSms = { messageId, provider, phone, text, clientToken, signName, at };
    this.sms.push(message);
    const plan = this.plans.get(phone) ?? { kind: 'delivered' };
    if (plan.kind === 'lost_callback') this.reported.set(message.messageId, plan.code ?? null);
    else if (plan.kind !== 'none') {
      // Held before the provider answers the send, while the engine's send is still under way.
      const release = (await this.options.holdTime?.()) ?? (async () => undefined);
      const failureCode = plan.kind === 'delivered' ? undefined : plan.code;
      this.queueReceipt(provider, { message, failureCode, release }, plan.duplicate ?? false);
    }
    return message;
  }

  /**
   * The carrier reports after the provider has answered the send, and the provider pushes the
   * reports that came in meanwhile together, as Aliyun and Tencent push arrays: a report waits up
   * to `receiptDelayMs` for others, and a repeated one is in the push twice.
   */
  private queueReceipt(provider: SmsProviderName, receipt: QueuedReceipt, duplicate: boolean): void {
    const queue = this.receiptQueues.get(provider) ?? [];
    queue.push(receipt, ...(duplicate ? [{ ...receipt, release: async () => undefined }] : []));
    this.receiptQueues.set(provider, queue);
    if (queue.length > 1 + (duplicate ? 1 : 0)) return;
    setTimeout(() => {
      const batch = this.receiptQueues.get(provider) ?? [];
      this.receiptQueues.delete(provider);
      void (async () => {
        try {
          await this.postReceipts(provider, batch);
        } finally {
          for (const queued of batch) await queued.release();
        }
      })();
    }, this.options.receiptDelayMs ?? 20);
  }

  /**
   * Posts one delivery receipt for a message in its provider's report format: delivered, or
   * failed with `failureCode`. Tests call it to send a late receipt.
   */
  async postReceipt(message: SimulatedSms, failureCode?: string): Promise<number> {
    return this.postReceipts(message.provider, [{ message, failureCode }]);
  }

  private async postReceipts(provider: SmsProviderName, receipts: ReadonlyArray<Omit<QueuedReceipt, 'release'>>): Promise<number> {
    const at = (await this.stamp()).replace('T', ' ').slice(0, 19);
    for (const { message, failureCode } of receipts) this.reported.set(message.messageId, failureCode ?? null);
    this.receiptPushes.push(receipts.length);
    const reports = receipts.map(({ message, failureCode }) =>
      provider === 'aliyun'
        ? { phone_number: message.phone, send_time: at, report_time: at, success: !failureCode, err_code: failureCode ?? 'DELIVERED', err_msg: failureCode ? '失败' : '用户接收成功', sms_size: '1', biz_id: message.messageId, out_id: message.clientToken }
        : { user_receive_time: at, nationcode: '86', mobile: message.phone, report_status: failureCode ? 'FAIL' : 'SUCCESS', errmsg: failureCode ?? 'DELIVRD', description: failureCode ? '失败' : '用户短信送达成功', sid: message.messageId },
    );
    try {
      const response = await fetch(this.options.receiptUrl(provider), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reports) });
      return response.status;
    } catch {
      // The engine is down: a real provider retries later; the simulator drops it, like a lost receipt.
      return 0;
    }
  }

  /**
   * The holder of `phone` answers the last text it received, pushed to the engine as its provider
   * does: Aliyun an array of upstream messages with a sequence id, Tencent one object with no id.
   * @returns the engine's status and acknowledgement.
   */
  async postReply(phone: string, text: string): Promise<{ status: number; body: unknown }> {
    const received = this.sms.filter((message) => message.phone === phone).at(-1);
    if (!received) throw new Error(`no text went to ${phone}: there is nothing to reply to`);
    const at = await this.stamp();
    this.repliesSent += 1;
    const body =
      received.provider === 'aliyun'
        ? [{ phone_number: phone, send_time: beijingTime(at), content: text, sign_name: received.signName, dest_code: '', sequence_id: this.repliesSent }]
        : { extend: '', mobile: phone, nationcode: '86', sign: received.signName, text, time: Math.floor(Date.parse(at) / 1000) };
    this.lastReplyPush = { provider: received.provider, body };
    return this.pushReply(received.provider, body);
  }

  /** Pushes the last reply again, as a provider does when it did not hear the engine's acknowledgement. */
  async pushLastReplyAgain(): Promise<{ status: number; body: unknown }> {
    if (!this.lastReplyPush) throw new Error('no reply was pushed yet');
    return this.pushReply(this.lastReplyPush.provider, this.lastReplyPush.body);
  }

  private async pushReply(provider: SmsProviderName, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(this.options.replyUrl(provider), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }
}

/** Beijing time as Aliyun's upstream messages write it (yyyy-MM-dd HH:mm:ss). */
function beijingTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The day of an instant in China, as Aliyun's SendDate writes it (yyyyMMdd). */
function chinaDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
