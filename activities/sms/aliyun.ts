import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { aliyunRpcSignature } from './signatures';
import { recordedByOutId, SmsRefusedError, type SentQuery, type SentRecord, type SmsProvider, type SmsSendRequest, type SmsSettings } from './provider';

const SendSmsAnswer = z.object({ Code: z.string(), Message: z.string().optional(), BizId: z.string().optional(), RequestId: z.string().optional() });
const QuerySendDetailsAnswer = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  TotalCount: z.coerce.number().optional(),
  SmsSendDetailDTOs: z
    .object({
      SmsSendDetailDTO: z.array(
        z.object({ OutId: z.string().optional(), PhoneNum: z.string().optional(), SendDate: z.string().optional(), SendStatus: z.coerce.number().optional(), ErrCode: z.string().optional() }),
      ),
    })
    .optional(),
});
const PAGE_SIZE = 50;

/**
 * Aliyun SMS (Dysmsapi 2017-05-25) over its RPC HTTP API, signed with the access key (HMAC-SHA1,
 * SignatureVersion 1.0): `SendSms`, whose `BizId` delivery reports carry, and `QuerySendDetails`.
 */
export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(request: SmsSendRequest): Promise<{ messageId: string }> {
    const answer = SendSmsAnswer.safeParse(
      await this.call('SendSms', {
        OutId: request.outId,
        PhoneNumbers: request.phone,
        SignName: request.signName ?? this.settings.signName,
        TemplateCode: request.templateId,
        TemplateParam: JSON.stringify(Object.fromEntries(request.params)),
      }),
    );
    if (!answer.success) throw new Error(`${this.settings.url} answered without a SendSms result`);
    if (answer.data.Code !== 'OK' || !answer.data.BizId) {
      throw new SmsRefusedError('aliyun', answer.data.Code, answer.data.Message ?? '');
    }
    return { messageId: answer.data.BizId };
  }

  /** Searches the number's texts of each day (China time) since the first attempt for the OutId. */
  async findSent(query: SentQuery): Promise<SentRecord | undefined> {
    const first = DateTime.fromJSDate(query.since, { zone: 'Asia/Shanghai' }).startOf('day');
    const last = DateTime.fromJSDate(query.until, { zone: 'Asia/Shanghai' }).startOf('day');
    for (let day = first; day <= last; day = day.plus({ days: 1 })) {
      for (let page = 1; ; page += 1) {
        const answer = QuerySendDetailsAnswer.safeParse(
          await this.call('QuerySendDetails', { PhoneNumber: query.phone, SendDate: day.toFormat('yyyyMMdd'), PageSize: String(PAGE_SIZE), CurrentPage: String(page) }),
        );
        if (!answer.success) throw new Error(`${this.settings.url} answered without a QuerySendDetails result`);
        if (answer.data.Code !== 'OK') throw new SmsRefusedError('aliyun', answer.data.Code, answer.data.Message ?? '');
        const details = answer.data.SmsSendDetailDTOs?.SmsSendDetailDTO ?? [];
        const sent = details.find((detail) => detail.OutId === query.outId);
        // SendStatus: 1 waiting for the carrier, 2 failed, 3 delivered.
        if (sent) {
          const report = sent.SendStatus === 3 || sent.SendStatus === 2 ? { status: sent.SendStatus === 3 ? 'delivered' : 'undeliverable', reportCode: sent.ErrCode ?? '' } as const : undefined;
          return { messageId: recordedByOutId(query.outId), ...(report ? { report } : {}) };
        }
        if (details.length < PAGE_SIZE) break;
      }
    }
    return undefined;
  }

  private async call(action: string, fields: Record<string, string>): Promise<unknown> {
    const parameters: Record<string, string> = {
      AccessKeyId: this.settings.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: this.settings.region,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...fields,
    };
    parameters.Signature = aliyunRpcSignature('POST', parameters, this.settings.accessKeySecret);
    const response = await fetch(this.settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(parameters).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.json().catch(() => undefined);
    if (body === undefined) throw new Error(`${this.settings.url} answered HTTP ${response.status} without JSON to ${action}`);
    return body;
  }
}
