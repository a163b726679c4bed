import { z } from 'zod';
import { tc3Authorization } from './signatures';
import { SmsRefusedError, type SentQuery, type SentRecord, type SmsProvider, type SmsSendRequest, type SmsSettings } from './provider';

const Failure = z.object({ Code: z.string(), Message: z.string() }).optional();
const SendSmsAnswer = z.object({
  Response: z.object({
    SendStatusSet: z.array(z.object({ SerialNo: z.string(), Code: z.string(), Message: z.string().optional() })).optional(),
    Error: Failure,
    RequestId: z.string().optional(),
  }),
});
const PullStatusAnswer = z.object({
  Response: z.object({
    PullSmsSendStatusSet: z
      .array(z.object({ SerialNo: z.string(), SessionContext: z.string().nullable().optional(), ReportStatus: z.string().optional(), Description: z.string().optional() }))
      .optional(),
    Error: Failure,
  }),
});

const CONTENT_TYPE = 'application/json; charset=utf-8';
const PAGE_SIZE = 100;

/**
 * Tencent Cloud SMS (API 2021-01-11), signed TC3-HMAC-SHA256 with the secret id and key: `SendSms`,
 * whose `SerialNo` status callbacks carry as `sid`, and `PullSmsSendStatusByPhoneNumber`.
 */
export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(request: SmsSendRequest): Promise<{ messageId: string }> {
    const answer = SendSmsAnswer.safeParse(
      await this.call('SendSms', {
        PhoneNumberSet: [`+86${request.phone}`],
        SmsSdkAppId: this.settings.sdkAppId,
        SignName: request.signName ?? this.settings.signName,
        TemplateId: request.templateId,
        // Tencent templates number their parameters {1}, {2} …; the order is the template's.
        TemplateParamSet: request.params.map(([, value]) => value),
        SessionContext: request.outId,
      }),
    );
    if (!answer.success) throw new Error(`${this.settings.url} answered without a SendSms result`);
    const { Error: failure, SendStatusSet } = answer.data.Response;
    if (failure) throw new SmsRefusedError('tencent', failure.Code, failure.Message);
    const status = SendStatusSet?.[0];
    if (!status || status.Code !== 'Ok') throw new SmsRefusedError('tencent', status?.Code ?? 'NoStatus', status?.Message ?? '');
    return { messageId: status.SerialNo };
  }

  /** The number's reported texts since the first attempt, searched for the SessionContext. */
  async findSent(query: SentQuery): Promise<SentRecord | undefined> {
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const answer = PullStatusAnswer.safeParse(
        await this.call('PullSmsSendStatusByPhoneNumber', {
          BeginTime: Math.floor(query.since.getTime() / 1000) - 60,
          EndTime: Math.floor(query.until.getTime() / 1000) + 60,
          Offset: offset,
          Limit: PAGE_SIZE,
          PhoneNumber: `+86${query.phone}`,
          SmsSdkAppId: this.settings.sdkAppId,
        }),
      );
      if (!answer.success) throw new Error(`${this.settings.url} answered without a PullSmsSendStatusByPhoneNumber result`);
      const { Error: failure, PullSmsSendStatusSet: statuses = [] } = answer.data.Response;
      if (failure) throw new SmsRefusedError('tencent', failure.Code, failure.Message);
      const sent = statuses.find((status) => status.SessionContext === query.outId);
      // Tencent lists a text only once the carrier has reported on it.
      if (sent) return { messageId: sent.SerialNo, report: { status: sent.ReportStatus === 'SUCCESS' ? 'delivered' : 'undeliverable', reportCode: sent.ReportStatus === 'SUCCESS' ? 'DELIVRD' : (sent.Description ?? 'FAIL') } };
      if (statuses.length < PAGE_SIZE) return undefined;
    }
  }

  private async call(action: string, body: Record<string, unknown>): Promise<unknown> {
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    const host = new URL(this.settings.url).host;
    const response = await fetch(this.settings.url, {
      method: 'POST',
      headers: {
        'content-type': CONTENT_TYPE,
        'x-tc-action': action,
        'x-tc-version': '2021-01-11',
        'x-tc-region': this.settings.region,
        'x-tc-timestamp': String(timestamp),
        authorization: tc3Authorization({ host, service: 'sms', timestamp, contentType: CONTENT_TYPE, payload }, this.settings.accessKeyId, this.settings.accessKeySecret),
      },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await response.json().catch(() => undefined);
    if (answer === undefined) throw new Error(`${this.settings.url} answered HTTP ${response.status} without JSON to ${action}`);
    return answer;
  }
}
