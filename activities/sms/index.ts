import { AliyunSmsProvider } from './aliyun';
import { rateLimited, type SmsProvider, type SmsSettings } from './provider';
import { TencentSmsProvider } from './tencent';

export * from './provider';

/** The configured provider, rate-limited to its QPS. One per process: the limit is per process. */
export function createSmsProvider(settings: SmsSettings): SmsProvider {
  const provider = settings.provider === 'tencent' ? new TencentSmsProvider(settings) : new AliyunSmsProvider(settings);
  return rateLimited(provider, settings.qps);
}
