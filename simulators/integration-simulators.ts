import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { SmsProviderSimulator, type SimulatedSms, type SmsSimulatorOptions } from './sms-provider-simulator';
import { LOCAL_WECHAT_ACCOUNT, WechatSimulator, type WechatAccount } from './wechat-simulator';

export type { SimulatedSms, SmsSimulatorOptions } from './sms-provider-simulator';
export type { SimulatedWechatMessage, WechatAccount } from './wechat-simulator';

/** A decision a simulated regulator received, once per idempotency key. */
export interface SimulatedDelivery {
  receiptId: string;
  regulatorId: string;
  idempotencyKey: string;
  body: unknown;
  at: string;
}

/** How a simulated regulator misbehaves: answers `status` while `failing()` says so, after `hangMs` if set (a timeout to the caller). */
export interface RegulatorOutage {
  status: number;
  failing(): boolean | Promise<boolean>;
  hangMs?: number;
}

/**
 * Local stand-ins for the outside world, served over real HTTP: the SMS provider, the WeChat
 * service account, the approval system's prompt inbox and the regulators' decision webhooks. Used by the embedded default and
 * the tests; production points the engine at the real endpoints.
 */
export class IntegrationSimulators {
  /** The SMS provider, speaking Aliyun's and Tencent's APIs under `/sms/aliyun` and `/sms/tencent`. */
  readonly smsProvider: SmsProviderSimulator;
  /** The bureau's WeChat service account, speaking WeChat's API under `/wechat`. */
  readonly wechat: WechatSimulator;
  readonly prompts: Array<{ idempotencyKey: string; body: unknown; at: string; receiptId: string }> = [];
  readonly deliveries: SimulatedDelivery[] = [];
  /** Decisions each regulator accepted, by idempotency key: a count above 1 is a repeat it had to drop. */
  readonly acceptedDecisions = new Map<string, number>();
  /** Batch notices the portal published, once per idempotency key. */
  readonly batchNotices: Array<{ idempotencyKey: string; body: unknown; at: string; receiptId: string }> = [];
  /** Regulators that check signatures with a key of their own rather than the shared one, by id. */
  readonly regulatorKeys = new Map<string, string>();
  /** Attempts each regulator saw, delivered or not. */
  readonly regulatorAttempts = new Map<string, number>();
  private readonly outages = new Map<string, RegulatorOutage>();

  /**
   * @param signingSecret the key regulators check decision signatures with.
   * @param clock the time to stamp on what arrives; tests pass the test server's clock.
   * @param sms the provider's credentials and the engine's receipt endpoint.
   * @param promptSigningSecret the key the portal checks prompt signatures with.
   * @param wechatAccount the service account's app id, secret and template.
   */
  constructor(
    private readonly signingSecret: string,
    private readonly clock: () => number | Promise<number>,
    sms: SmsSimulatorOptions,
    private readonly promptSigningSecret: string = signingSecret,
    wechatAccount: WechatAccount = LOCAL_WECHAT_ACCOUNT,
  ) {
    this.smsProvider = new SmsProviderSimulator(sms, () => this.stamp());
    this.wechat = new WechatSimulator(wechatAccount, clock);
  }

  /** Every SMS the provider accepted. */
  get sms(): SimulatedSms[] {
    return this.smsProvider.sms;
  }

  private async stamp(): Promise<string> {
    return new Date(await this.clock()).toISOString();
  }

  /** Makes a regulator fail until `outage.failing()` turns false; `undefined` ends the outage. */
  setRegulatorOutage(regulatorId: string, outage: RegulatorOutage | undefined): void {
    if (outage) this.outages.set(regulatorId, outage);
    else this.outages.delete(regulatorId);
  }

  /** The routes, to be mounted under a prefix such as `/simulators`. */
  router(): Router {
    const router = Router();
    // The SMS provider parses its own bodies: form-encoded (Aliyun) or signed raw JSON (Tencent).
    router.use('/sms', this.smsProvider.router());
    router.use('/wechat', this.wechat.router());
    // Notices are signed over their raw bytes and can be large: read before the JSON parser.
    router.post('/portal/batch-notices', express.text({ type: '*/*', limit: '20mb' }), async (req, res) => {
      const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (!this.signatureValid(req.header('x-timestamp'), raw, req.header('x-signature'), this.promptSigningSecret)) {
        res.status(401).json({ error: 'bad signature' });
        return;
      }
      const idempotencyKey = req.header('idempotency-key') ?? '';
      let notice = this.batchNotices.find((candidate) => candidate.idempotencyKey === idempotencyKey);
      if (!notice) {
        notice = { idempotencyKey, body: JSON.parse(raw), at: await this.stamp(), receiptId: randomUUID() };
        this.batchNotices.push(notice);
      }
      res.json({ published: true, receiptId: notice.receiptId });
    });

    router.use(express.json({ limit: '1mb' }));

    router.post('/portal/prompts', express.text({ type: '*/*' }), async (req, res) => {
      const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (!this.signatureValid(req.header('x-timestamp'), raw, req.header('x-signature'), this.promptSigningSecret)) {
        res.status(401).json({ error: 'bad signature' });
        return;
      }
      const idempotencyKey = req.header('idempotency-key') ?? '';
      const at = await this.stamp();
      let prompt = this.prompts.find((candidate) => candidate.idempotencyKey === idempotencyKey);
      if (!prompt) {
        prompt = { idempotencyKey, body: JSON.parse(raw), at, receiptId: randomUUID() };
        this.prompts.push(prompt);
      }
      res.json({ received: true, receiptId: prompt.receiptId });
    });

    router.post('/regulators/:regulatorId/decisions', express.text({ type: '*/*' }), async (req, res) => {
      const regulatorId = String(req.params.regulatorId);
      this.regulatorAttempts.set(regulatorId, (this.regulatorAttempts.get(regulatorId) ?? 0) + 1);
      const outage = this.outages.get(regulatorId);
      if (outage && (await outage.failing())) {
        if (outage.hangMs) await new Promise((resolve) => setTimeout(resolve, outage.hangMs));
        res.status(outage.status).json({ error: 'regulator unavailable' });
        return;
      }
      const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (!this.signatureValid(req.header('x-timestamp'), raw, req.header('x-signature'), this.regulatorKeys.get(regulatorId))) {
        res.status(401).json({ error: 'bad signature' });
        return;
      }
      const idempotencyKey = req.header('idempotency-key') ?? '';
      const at = await this.stamp();
      this.acceptedDecisions.set(idempotencyKey, (this.acceptedDecisions.get(idempotencyKey) ?? 0) + 1);
      let delivery = this.deliveries.find((d) => d.idempotencyKey === idempotencyKey);
      if (!delivery) {
        delivery = { receiptId: randomUUID(), regulatorId, idempotencyKey, body: JSON.parse(raw), at };
        this.deliveries.push(delivery);
      }
      res.json({ receiptId: delivery.receiptId });
    });

    router.get('/state', (_req, res) => {
      res.json({ sms: this.sms, smsRecordQueries: this.smsProvider.queries, wechat: this.wechat.messages, prompts: this.prompts, deliveries: this.deliveries, batchNotices: this.batchNotices });
    });
    return router;
  }

  private signatureValid(timestamp: string | undefined, body: string, signature: string | undefined, secret = this.signingSecret): boolean {
    if (!timestamp || !signature?.startsWith('sha256=')) return false;
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
    const given = Buffer.from(signature.slice('sha256='.length), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
