import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type RequestHandler, type Router } from 'express';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { ActivityDependencies } from '../../activities';
import type { SmsProviderName } from '../../activities/sms';
import { errorHandler } from '../../api/errors';
import type { RegisterLicenceBody } from '../../api/schemas';
import { smsReceiptRoutes } from '../../api/sms-receipt-routes';
import { smsReplyRoutes } from '../../api/sms-reply-routes';
import { DEFAULT_TEMPLATES } from '../../domain';
import { createLogger } from '../../runtime/logger';
import { registerSearchAttributes } from '../../runtime/search-attributes';
import { registerLicence } from '../../services/licence-registration';
import { IntegrationSimulators, type SimulatedSms } from '../../simulators/integration-simulators';
import { LOCAL_WECHAT_ACCOUNT } from '../../simulators/wechat-simulator';
import { licenceStatusQuery, taskCompletedSignal, type LicenceStatus } from '../../workflows/licence-definitions';
import { createTestDatabase, type TestDatabase } from './databases';
import { startDevServer, startTimeSkippingServer } from './temporal';
import { TEST_PAYLOAD_KEYS, testPayloadCodec } from './payload-key';
import { licenceDataConverter } from '../../runtime/data-converter';
import { createLicenceWorkers } from '../../worker/worker';

// Tests run encrypted, as production does: a history that leaked a payload in the clear would show it.
/** The tests' data converter: the engine's, with the test key. */
export const dataConverter = licenceDataConverter(testPayloadCodec);

export const DAY = 86_400_000;
/**
 * Where every time-skipping test server starts its clock unless a file or test names another
 * instant: the day the suites' fixed dates (a licence expiring 2027-05-31, its window opening
 * 2027-02-28 …) were chosen for. Pinned, so that no test's outcome depends on the day it runs.
 */
export const TEST_CLOCK_START = '2026-11-15T00:00:00.000Z';
export const SIGNING_SECRET = 'lifecycle-test-signing-key';
export const SMS_RECEIPT_SECRET = 'lifecycle-test-receipt-secret';
const SMS_ACCESS_KEY = { id: 'LTAI-lifecycle-test', secret: 'lifecycle-test-sms-secret' };

/**
 * Everything a lifecycle test needs, all real: Temporal's time-skipping server, a migrated
 * database, the channel and regulator simulators over HTTP, and a worker with the real activities.
 *
 * The database and simulators live for the whole file; each test gets its own time-skipping
 * server (`beginTest`) because that server's clock is shared by every workflow on it and only
 * moves forward, so one test's waits would otherwise fire another test's timers.
 */
export class LifecycleHarness {
  readonly taskQueue = `lifecycle-${Math.random().toString(36).slice(2, 8)}`;
  private workers: Worker[] = [];
  private workerRun?: Promise<unknown>;
  private currentEnv?: TestWorkflowEnvironment;
  /** The engine's SMS receipt endpoint, bound to the current test server's client. */
  private receiptRouter?: Router;
  /** Wordings the simulated provider approved beyond its default, by template id. */
  readonly approvedSmsTemplates = new Map<string, string>();
  /** Where binding links in prompts and letters point: an API a test serves over this harness, else the harness itself. */
  publicUrl?: string;

  private constructor(
    readonly database: TestDatabase,
    readonly simulators: IntegrationSimulators,
    private readonly server: Server,
    private readonly smsOptions: { provider: SmsProviderName; qps: number; receiptTimeoutHours: number; perNumberDailyLimit?: number; perTemplateDailyLimit?: number },
    private readonly defaultStartAt: string,
  ) {}

  /**
   * @param options.database which database to migrate and seed (PGlite unless a test needs several processes).
   * @param options.intercept runs before the simulators for every request to them, to delay or observe it.
   * @param options.sms which SMS provider's API the worker speaks, its QPS and receipt timeout.
   * @param options.startAt where every test server of this file starts its clock (an ISO instant)
   *   unless `beginTest` says otherwise; {@link TEST_CLOCK_START} when unset.
   */
  static async start(
    options: {
      database?: 'pglite' | 'postgres';
      intercept?: RequestHandler;
      sms?: { provider?: SmsProviderName; qps?: number; receiptTimeoutHours?: number; receiptDelayMs?: number; perNumberDailyLimit?: number; perTemplateDailyLimit?: number };
      startAt?: string;
    } = {},
  ): Promise<LifecycleHarness> {
    const database = await createTestDatabase(options.database ?? 'pglite');
    const clock = { harness: undefined as LifecycleHarness | undefined };
    const simulators = new IntegrationSimulators(SIGNING_SECRET, () => clock.harness?.now() ?? Date.now(), {
      accessKeyId: SMS_ACCESS_KEY.id,
      accessKeySecret: SMS_ACCESS_KEY.secret,
      receiptUrl: (provider) => `${clock.harness!.baseUrl}/api/v1/sms-receipts/${provider}?token=${SMS_RECEIPT_SECRET}`,
      replyUrl: (provider) => `${clock.harness!.baseUrl}/api/v1/sms-replies/${provider}?token=${SMS_RECEIPT_SECRET}`,
      // The provider's template store: the default wording, and what a test approves.
      approvedTemplate: async (templateId) =>
        templateId === defaultSmsTemplateId(options.sms?.provider ?? 'aliyun') ? DEFAULT_TEMPLATES.sms : clock.harness?.approvedSmsTemplates.get(templateId),
      receiptDelayMs: options.sms?.receiptDelayMs,
      holdTime: () => clock.harness?.holdTime() ?? Promise.resolve(async () => undefined),
    });
    const app = express();
    if (options.intercept) app.use('/simulators', options.intercept);
    app.use('/simulators', simulators.router());
    // The engine's receipt and reply endpoints, as the API serves them, for the simulated provider to call.
    app.use('/api', express.json());
    app.use((req, res, next) => (clock.harness?.receiptRouter ? clock.harness.receiptRouter(req, res, next) : next()));
    app.use(errorHandler(createLogger('silent')));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    clock.harness = new LifecycleHarness(database, simulators, server, {
      provider: options.sms?.provider ?? 'aliyun',
      qps: options.sms?.qps ?? 50,
      receiptTimeoutHours: options.sms?.receiptTimeoutHours ?? 24,
      perNumberDailyLimit: options.sms?.perNumberDailyLimit,
      perTemplateDailyLimit: options.sms?.perTemplateDailyLimit,
    }, options.startAt ?? TEST_CLOCK_START);
    return clock.harness;
  }

  get env(): TestWorkflowEnvironment {
    if (!this.currentEnv) throw new Error('No Temporal test server: call beginTest() in beforeEach.');
    return this.currentEnv;
  }

  /**
   * Starts a fresh Temporal server and, unless told not to, a worker on it: the time-skipping
   * test server, or with `server: 'dev'` the real dev server, whose clock is the wall clock. The
   * time-skipping server's clock starts at `startAt` (an ISO instant), else at the file's
   * `start({ startAt })`, else at {@link TEST_CLOCK_START}.
   */
  async beginTest(options: { worker?: boolean; server?: 'time-skipping' | 'dev'; startAt?: string } = {}): Promise<void> {
    if (options.startAt && options.server === 'dev') throw new Error('startAt needs the time-skipping server; the dev server runs on the wall clock');
    const startAt = options.server === 'dev' ? undefined : (options.startAt ?? this.defaultStartAt);
    // The wrapper starts the server's clock at startAt through libfaketime.
    const extraArgs = startAt ? [`--start-at=${new Date(startAt).toISOString().replace('T', ' ').slice(0, 19)}`] : [];
    this.currentEnv =
      options.server === 'dev'
        ? await startDevServer({ dataConverter })
        : await startTimeSkippingServer({ extraArgs, dataConverter });
    await registerSearchAttributes(this.currentEnv.connection, 'default');
    const providerRoutes = { prisma: this.database.prisma, temporal: this.currentEnv.client, smsReceiptSecret: SMS_RECEIPT_SECRET };
    this.receiptRouter = express.Router().use(smsReceiptRoutes(new OpenAPIRegistry(), providerRoutes), smsReplyRoutes(new OpenAPIRegistry(), providerRoutes));
    if (options.worker !== false) await this.startWorker();
  }

  /** Stops the worker and the test server started by `beginTest`. */
  async endTest(): Promise<void> {
    if (this.workers.length > 0) await this.stopWorker();
    await this.currentEnv?.teardown();
    this.currentEnv = undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get simulatorsUrl(): string {
    return `${this.baseUrl}/simulators`;
  }

  /** The texts the SMS provider took whose idempotency token names `licenceNumber`. */
  textsFor(licenceNumber: string): SimulatedSms[] {
    return this.simulators.sms.filter((message) => message.clientToken.includes(licenceNumber));
  }

  /** The environment a worker process needs to run this harness's activities (`ROLE=worker`). */
  workerProcessEnv(): Record<string, string> {
    const { endpoints } = this.dependencies();
    return {
      ROLE: 'worker',
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      DATABASE_URL: this.database.url,
      TEMPORAL_ADDRESS: this.env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      AUTO_PROMPT_URL: endpoints.autoPromptUrl,
      AUTO_PROMPT_SIGNING_SECRET: endpoints.autoPromptSigningSecret,
      BATCH_NOTICE_URL: endpoints.batchNoticeUrl,
      SMS_PROVIDER: endpoints.sms.provider,
      SMS_API_URL: endpoints.sms.url,
      SMS_ACCESS_KEY_ID: endpoints.sms.accessKeyId,
      SMS_ACCESS_KEY_SECRET: endpoints.sms.accessKeySecret,
      SMS_SIGN_NAME: endpoints.sms.signName,
      SMS_TEMPLATE_ID: endpoints.sms.templateId,
      SMS_SDK_APP_ID: endpoints.sms.sdkAppId,
      SMS_REGION: endpoints.sms.region,
      SMS_QPS: String(endpoints.sms.qps),
      SMS_RECEIPT_SECRET,
      SMS_RECEIPT_TIMEOUT_HOURS: String(endpoints.sms.receiptTimeoutHours),
      ...(endpoints.sms.perNumberDailyLimit ? { SMS_PER_NUMBER_DAILY_LIMIT: String(endpoints.sms.perNumberDailyLimit) } : {}),
      ...(endpoints.sms.perTemplateDailyLimit ? { SMS_PER_TEMPLATE_DAILY_LIMIT: String(endpoints.sms.perTemplateDailyLimit) } : {}),
      WECHAT_API_URL: endpoints.wechat!.apiUrl,
      WECHAT_OAUTH_URL: endpoints.wechat!.oauthUrl,
      WECHAT_APP_ID: endpoints.wechat!.appId,
      WECHAT_APP_SECRET: endpoints.wechat!.appSecret,
      WECHAT_TEMPLATE_ID: endpoints.wechat!.templateId,
      ...(endpoints.publicUrl ? { PUBLIC_URL: endpoints.publicUrl } : {}),
      REGULATOR_WEBHOOK_BASE_URL: endpoints.regulatorWebhookBaseUrl,
      REGULATOR_SIGNING_SECRET: endpoints.regulatorSigningSecret,
    };
  }

  /** The activities' dependencies, pointing at the simulators. */
  dependencies(): ActivityDependencies {
    return {
      prisma: this.database.prisma,
      temporal: this.env.client,
      taskQueue: this.taskQueue,
      endpoints: {
        autoPromptUrl: `${this.simulatorsUrl}/portal/prompts`,
        autoPromptSigningSecret: SIGNING_SECRET,
        batchNoticeUrl: `${this.simulatorsUrl}/portal/batch-notices`,
        sms: {
          provider: this.smsOptions.provider,
          url: `${this.simulatorsUrl}/sms/${this.smsOptions.provider}`,
          accessKeyId: SMS_ACCESS_KEY.id,
          accessKeySecret: SMS_ACCESS_KEY.secret,
          signName: '威海审批',
          templateId: defaultSmsTemplateId(this.smsOptions.provider),
          sdkAppId: '1400000000',
          region: this.smsOptions.provider === 'aliyun' ? 'cn-hangzhou' : 'ap-guangzhou',
          qps: this.smsOptions.qps,
          maxParamLength: 35,
          maxTextLength: 500,
          receiptTimeoutHours: this.smsOptions.receiptTimeoutHours,
          sendSettleMinutes: 10,
          perNumberDailyLimit: this.smsOptions.perNumberDailyLimit,
          perTemplateDailyLimit: this.smsOptions.perTemplateDailyLimit,
        },
        wechat: {
          apiUrl: `${this.simulatorsUrl}/wechat`,
          oauthUrl: `${this.simulatorsUrl}/wechat`,
          ...LOCAL_WECHAT_ACCOUNT,
        },
        publicUrl: this.publicUrl ?? this.baseUrl,
        regulatorWebhookBaseUrl: `${this.simulatorsUrl}/regulators`,
        regulatorSigningSecret: SIGNING_SECRET,
      },
    };
  }

  async startWorker(): Promise<void> {
    // The workers a worker process runs, built as it builds them.
    this.workers = await createLicenceWorkers({ connection: this.env.nativeConnection, namespace: 'default', payloadCodec: testPayloadCodec, ...this.dependencies() });
    this.workerRun = Promise.all(this.workers.map((worker) => worker.run()));
  }

  async stopWorker(): Promise<void> {
    for (const worker of this.workers) worker.shutdown();
    await this.workerRun;
    this.workers = [];
  }

  async teardown(): Promise<void> {
    await this.endTest();
    await new Promise((resolve) => this.server.close(resolve));
    await this.database.destroy();
  }

  /** Registers a licence through the real registration path; it expires `expiresOn`. */
  async register(licenceNumber: string, expiresOn: string, overrides: Partial<RegisterLicenceBody> = {}) {
    const { result } = await registerLicence(
      { prisma: this.database.prisma, temporal: this.env.client, taskQueue: this.taskQueue },
      {
        bureau: 'weihai',
        licenceNumber,
        licenceType: 'WH01',
        holder: { name: '威海康宁大药房有限公司' },
        contact: { name: '张敏', phone: '13800138000' },
        issuedOn: '2022-05-31',
        expiresOn,
        ...overrides,
      },
    );
    return { ...result, handle: this.env.client.workflow.getHandle(result.workflowId) };
  }

  now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /**
   * Skips time on the test server until an instant. Fails after two minutes of real time: a skip
   * the server never completes (its clock locked with nothing left to run, seen once in a long
   * model run) must fail the test with what it waited for, not hang it until jest's timeout.
   */
  async skipTo(iso: string): Promise<void> {
    const target = Date.parse(iso);
    const now = await this.now();
    if (target <= now) return;
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the test server's clock did not move from ${new Date(now).toISOString()} to ${iso} in 120 s of real time`)), 120_000);
    });
    try {
      await Promise.race([this.env.sleep(target - now), stuck]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the time-skipping server from skipping until the returned function is called; time still
   * passes as in real life. Without it a skip can pass a timer's instant while a signal that
   * cancels the timer is on its way: the server fires the timer, then refuses the workflow's
   * cancel of it ("invalid history builder state for action") and the workflow stalls.
   */
  async holdTime(): Promise<() => Promise<void>> {
    const env = this.currentEnv;
    const testService = env?.supportsTimeSkipping ? env.connection.testService : undefined;
    if (!testService) return async () => undefined;
    await testService.lockTimeSkipping({});
    return async () => {
      // A server stopped since (the test ended) has nothing left to release.
      await testService.unlockTimeSkipping({}).catch(() => undefined);
    };
  }

  /**
   * The workflow's live status. Given up after 10 s so that `eventually` asks again: the time-skipping
   * server's continue-as-new is not atomic (temporalio/sdk-java#1537), and a query in its gap can go
   * unanswered.
   */
  async status(licence: { workflowId: string }): Promise<LicenceStatus> {
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no status from ${licence.workflowId} in 10 s`)), 10_000);
    });
    try {
      return await Promise.race([this.env.client.workflow.getHandle(licence.workflowId).query(licenceStatusQuery), unanswered]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits (in real time) until the licence has an open task of this kind. */
  async openTask(licenceId: string, kind: 'phone_call' | 'send_letter' | 'complete_guidance' | 'resolve_refusal' | 'confirm_renewal') {
    return eventually(async () => {
      const task = await this.database.prisma.humanTask.findFirst({ where: { licenceId, kind, status: 'open' }, orderBy: { createdAt: 'desc' } });
      if (!task) throw new Error(`no open ${kind} task for ${licenceId}`);
      return task;
    });
  }

  /** Completes a task as the API does: tells the workflow. */
  async complete(task: { id: string; workflowId: string }, outcome: string, completedBy = '王芳'): Promise<void> {
    await this.env.client.workflow.getHandle(task.workflowId).signal(taskCompletedSignal, { taskId: task.id, outcome, completedBy });
  }

  async ledger(licenceId: string) {
    const rows = await this.database.prisma.ledgerEntry.findMany({ where: { licenceId }, orderBy: { remindedAt: 'asc' } });
    return rows.map((row) => `${row.channel}:${row.outcome}`);
  }

  async tasks(licenceId: string) {
    const rows = await this.database.prisma.humanTask.findMany({ where: { licenceId }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => `${row.kind}#${row.attempt}:${row.status}${row.outcome ? `:${row.outcome}` : ''}`);
  }
}

/** One harness for a describe block, and a fresh Temporal server with a worker for each of its tests. */
export function lifecycleSuite(options: Parameters<typeof LifecycleHarness.start>[0] = {}): { readonly h: LifecycleHarness } {
  let harness: LifecycleHarness | undefined;
  beforeAll(async () => {
    harness = await LifecycleHarness.start(options);
  });
  beforeEach(async () => harness!.beginTest());
  afterEach(async () => harness!.endTest());
  afterAll(async () => {
    await harness?.teardown();
  });
  return {
    get h() {
      if (!harness) throw new Error('the suite has not started yet: use it inside tests');
      return harness;
    },
  };
}

/** Retries an assertion in real time until it passes or `timeoutMs` runs out. */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The id the test account's provider approved the default wording under. */
function defaultSmsTemplateId(provider: SmsProviderName): string {
  return provider === 'aliyun' ? 'SMS_480000001' : '2000001';
}
