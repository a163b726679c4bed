import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certificateFiles, ensureCertificates } from '../cluster/certificates';
import { ConfigError, loadConfig } from '../runtime/config';
import { TEST_PAYLOAD_KEYS } from './support/payload-key';

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3000,
      databaseUrl: 'pglite:.data/pglite',
      embeddedTemporal: true,
      TEMPORAL_NAMESPACE: 'default',
    });
  });

  it('uses an external Temporal and PostgreSQL when both are named', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', DATABASE_URL: 'postgresql://app@db:5432/licences' });
    expect(config.embeddedTemporal).toBe(false);
    expect(config.databaseUrl).toBe('postgresql://app@db:5432/licences');
  });

  it('names every malformed variable and what it must look like', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'http://temporal', DATABASE_URL: 'mysql://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(message).toMatch(/DATABASE_URL: must start with postgresql:\/\/ or pglite:/);
  });

  it("reaches a cluster over TLS, mutual with a certificate and its key, and says what is missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
    try {
      ensureCertificates(dir);
      const { caFile, certFile, keyFile } = certificateFiles(dir, 'engine');
      const cluster = { TEMPORAL_ADDRESS: 'temporal-frontend:7233' };
      expect(loadConfig({ ...cluster, TEMPORAL_TLS_CERT_FILE: certFile, TEMPORAL_TLS_KEY_FILE: keyFile, TEMPORAL_TLS_CA_FILE: caFile }).temporalTls).toEqual({ clientCertificate: { certFile, keyFile }, caFile });
      expect(loadConfig(cluster).temporalTls).toBeUndefined();
      // A cluster that serves TLS without asking for a certificate.
      expect(loadConfig({ ...cluster, TEMPORAL_TLS_CA_FILE: caFile, TEMPORAL_TLS_SERVER_NAME: 'temporal.bureau.internal' }).temporalTls).toEqual({ caFile, serverName: 'temporal.bureau.internal' });
      expect(() => loadConfig({ ...cluster, TEMPORAL_TLS_CERT_FILE: certFile })).toThrow(/TEMPORAL_TLS_KEY_FILE: is required with TEMPORAL_TLS_CERT_FILE/);
      expect(() => loadConfig({ ...cluster, TEMPORAL_TLS_KEY_FILE: keyFile })).toThrow(/TEMPORAL_TLS_CERT_FILE: is required with TEMPORAL_TLS_KEY_FILE/);
      expect(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: certFile, TEMPORAL_TLS_KEY_FILE: keyFile })).toThrow(/TEMPORAL_ADDRESS: is required with TEMPORAL_TLS_ settings: the embedded dev server takes no TLS/);
      expect(() => loadConfig({ ...cluster, TEMPORAL_TLS_CERT_FILE: path.join(dir, 'nowhere.pem'), TEMPORAL_TLS_KEY_FILE: keyFile })).toThrow(/TEMPORAL_TLS_CERT_FILE: no file there/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a prebuilt workflow bundle only where one was built', () => {
    expect(() => loadConfig({ WORKFLOW_BUNDLE: 'dist-never-built/workflow-bundle.js' })).toThrow(/WORKFLOW_BUNDLE: no file there: `npm run build` writes dist\/workflow-bundle.js/);
    expect(loadConfig({ WORKFLOW_BUNDLE: __filename }).WORKFLOW_BUNDLE).toBe(__filename);
    expect(loadConfig({}).WORKFLOW_BUNDLE).toBeUndefined();
  });

  it('refuses to split the API and the worker over the embedded database', () => {
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE: "worker" needs a PostgreSQL DATABASE_URL/);
    expect(loadConfig({ ROLE: 'worker', DATABASE_URL: 'postgresql://db/licences', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS }).ROLE).toBe('worker');
  });

  it('demands shared payload keys when the API and the worker run apart, and explains a bad key', () => {
    expect(() => loadConfig({ ROLE: 'api', DATABASE_URL: 'postgresql://db/licences' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: is required when ROLE=api/);
    expect(() => loadConfig({ ROLE: 'api', DATABASE_URL: 'postgresql://db/licences', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS })).toThrow(/SMS_RECEIPT_SECRET: is required when ROLE=api/);
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: 'k1:AAAA' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: payload key "k1" has 3 bytes; AES-256 needs 32/);
  });

  it('points the channels at the local simulators by default, and demands real endpoints without them', () => {
    expect(loadConfig({ PORT: '3100' }).endpoints).toMatchObject({
      sms: expect.objectContaining({ provider: 'aliyun', url: 'http://127.0.0.1:3100/simulators/sms/aliyun' }),
      autoPromptUrl: 'http://127.0.0.1:3100/simulators/portal/prompts',
      batchNoticeUrl: 'http://127.0.0.1:3100/simulators/portal/batch-notices',
      regulatorWebhookBaseUrl: 'http://127.0.0.1:3100/simulators/regulators',
    });
    expect(loadConfig({ SMS_PROVIDER: 'tencent' }).endpoints.sms.url).toBe('http://127.0.0.1:3000/simulators/sms/tencent');
    expect(() => loadConfig({ SIMULATORS: 'off', SMS_API_URL: 'https://sms.example.cn/send' })).toThrow(
      /AUTO_PROMPT_URL: is required when SIMULATORS=off[\s\S]*BATCH_NOTICE_URL: is required when SIMULATORS=off[\s\S]*REGULATOR_WEBHOOK_BASE_URL: is required/,
    );
    const endpoints = {
      SIMULATORS: 'off',
      AUTO_PROMPT_URL: 'https://portal.example.cn/prompts',
      BATCH_NOTICE_URL: 'https://portal.example.cn/batch-notices',
      SMS_API_URL: 'https://dysmsapi.aliyuncs.com/',
      REGULATOR_WEBHOOK_BASE_URL: 'https://regulators.example.cn/hooks',
    };
    expect(() => loadConfig(endpoints)).toThrow(/SMS_ACCESS_KEY_ID: is required when SIMULATORS=off[\s\S]*SMS_RECEIPT_SECRET: is required/);
    const production = loadConfig({ ...endpoints, SMS_ACCESS_KEY_ID: 'LTAI-real', SMS_ACCESS_KEY_SECRET: 'real-secret', SMS_RECEIPT_SECRET: 'a-receipt-secret-of-the-bureau' });
    expect(production.endpoints.sms).toMatchObject({ provider: 'aliyun', url: 'https://dysmsapi.aliyuncs.com/', accessKeyId: 'LTAI-real', qps: 10, receiptTimeoutHours: 24 });
    expect(() => loadConfig({ SMS_PROVIDER: 'huawei' })).toThrow(/SMS_PROVIDER/);
    // Without an account of its own, a production deployment's WeChat steps text instead; with one, it needs the account's values.
    expect(production.endpoints.wechat).toBeUndefined();
    const withWechat = { ...endpoints, SMS_ACCESS_KEY_ID: 'LTAI-real', SMS_ACCESS_KEY_SECRET: 'real-secret', SMS_RECEIPT_SECRET: 'a-receipt-secret-of-the-bureau', WECHAT_API_URL: 'https://api.weixin.qq.com' };
    expect(() => loadConfig(withWechat)).toThrow(/WECHAT_APP_ID: is required when SIMULATORS=off[\s\S]*WECHAT_APP_SECRET[\s\S]*WECHAT_TEMPLATE_ID/);
    const account = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'the-account-app-secret', WECHAT_TEMPLATE_ID: 'tmpl-licence-expiry' };
    expect(loadConfig({ ...withWechat, ...account }).endpoints.wechat).toEqual({
      apiUrl: 'https://api.weixin.qq.com',
      oauthUrl: 'https://open.weixin.qq.com',
      appId: 'wx1234567890abcdef',
      appSecret: 'the-account-app-secret',
      templateId: 'tmpl-licence-expiry',
    });
    expect(() => loadConfig({ WECHAT_APP_ID: 'not-an-app-id' })).toThrow(/WECHAT_APP_ID: must be the account's AppID/);
  });
});
