import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { aliyunRpcSignature } from './signatures';
import { SmsRefusedError, type SmsProvider, type SmsSendRequest, type SmsSettings } from './provider';

const SendSmsAnswer = z.object({ Code: z.string(), Message: z.string().optional(), BizId: z.string().optional(), RequestId: z.string().optional() });

/**
 * Aliyun SMS (Dysmsapi 2017-05-25) `SendSms` over its RPC HTTP API, signed with the access key
 * (HMAC-SHA1, SignatureVersion 1.0). The message id is the `BizId` that delivery reports carry.
 */
export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(request: SmsSendRequest): Promise<{ messageId: string }> {
    const parameters: Record<string, string> = {
      AccessKeyId: this.settings.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: request.outId,
      PhoneNumbers: request.phone,
      RegionId: this.settings.region,
      SignName: this.settings.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: request.templateId,
      TemplateParam: JSON.stringify(Object.fromEntries(request.params)),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    parameters.Signature = aliyunRpcSignature('POST', parameters, this.settings.accessKeySecret);
    const response = await fetch(this.settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(parameters).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = SendSmsAnswer.safeParse(await response.json().catch(() => undefined));
    if (!answer.success) throw new Error(`${this.settings.url} answered HTTP ${response.status} without a SendSms result`);
    if (answer.data.Code !== 'OK' || !answer.data.BizId) {
      throw new SmsRefusedError('aliyun', answer.data.Code, answer.data.Message ?? '');
    }
    return { messageId: answer.data.BizId };
  }
}
