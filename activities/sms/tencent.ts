import { z } from 'zod';
import { tc3Authorization } from './signatures';
import { SmsRefusedError, type SmsProvider, type SmsSendRequest, type SmsSettings } from './provider';

const SendSmsAnswer = z.object({
  Response: z.object({
    SendStatusSet: z.array(z.object({ SerialNo: z.string(), Code: z.string(), Message: z.string().optional() })).optional(),
    Error: z.object({ Code: z.string(), Message: z.string() }).optional(),
    RequestId: z.string().optional(),
  }),
});

const CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Tencent Cloud SMS (API 2021-01-11) `SendSms`, signed TC3-HMAC-SHA256 with the secret id and key.
 * The message id is the `SerialNo` that status callbacks carry as `sid`.
 */
export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(request: SmsSendRequest): Promise<{ messageId: string }> {
    const payload = JSON.stringify({
      PhoneNumberSet: [`+86${request.phone}`],
      SmsSdkAppId: this.settings.sdkAppId,
      SignName: this.settings.signName,
      TemplateId: request.templateId,
      // Tencent templates number their parameters {1}, {2} …; the order is the template's.
      TemplateParamSet: request.params.map(([, value]) => value),
      SessionContext: request.outId,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const host = new URL(this.settings.url).host;
    const response = await fetch(this.settings.url, {
      method: 'POST',
      headers: {
        'content-type': CONTENT_TYPE,
        'x-tc-action': 'SendSms',
        'x-tc-version': '2021-01-11',
        'x-tc-region': this.settings.region,
        'x-tc-timestamp': String(timestamp),
        authorization: tc3Authorization({ host, service: 'sms', timestamp, contentType: CONTENT_TYPE, payload }, this.settings.accessKeyId, this.settings.accessKeySecret),
      },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = SendSmsAnswer.safeParse(await response.json().catch(() => undefined));
    if (!answer.success) throw new Error(`${this.settings.url} answered HTTP ${response.status} without a SendSms result`);
    const { Error: failure, SendStatusSet } = answer.data.Response;
    if (failure) throw new SmsRefusedError('tencent', failure.Code, failure.Message);
    const status = SendStatusSet?.[0];
    if (!status || status.Code !== 'Ok') throw new SmsRefusedError('tencent', status?.Code ?? 'NoStatus', status?.Message ?? '');
    return { messageId: status.SerialNo };
  }
}
