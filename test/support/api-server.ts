import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createLogger } from '../../runtime/logger';
import { ACCOUNTS, seedTestAccounts, TEST_API_KEY, TEST_PASSWORD, type AccountName } from './accounts';
import { anonymousCaller, keyCaller, sessionCaller, type Caller, type JsonAnswer } from './http';
import { LifecycleHarness } from './lifecycle';

/** Who a test calls the API as: weihai's approval system, one of the test accounts, or nobody. */
export type CallerName = 'system' | AccountName | 'anonymous';

/** The HTTP API over a lifecycle harness's database and Temporal server, on a free port. */
export interface TestApi {
  url: string;
  /** Sends JSON (or nothing) as weihai's approval system (its API key) and returns the status and the parsed answer. */
  call(method: string, path: string, body?: unknown): Promise<JsonAnswer>;
  /** A caller logged in as one of the test accounts (sessions are opened once and reused). */
  as(who: CallerName): Promise<Caller>;
  close(): Promise<void>;
}

/** A test file's harness and API, started once before its tests and stopped after them. */
export interface ApiSuite {
  h: LifecycleHarness;
  api: TestApi;
}

/**
 * Registers the hooks that give a test file its {@link ApiSuite}; read it inside tests and hooks.
 * `startAt` starts the suite's test server clock there instead of at `TEST_CLOCK_START`.
 */
export function apiSuite(options: { startAt?: string } = {}): ApiSuite {
  const suite = {} as ApiSuite;
  beforeAll(async () => {
    suite.h = await LifecycleHarness.start({ startAt: options.startAt });
    await suite.h.beginTest();
    suite.api = await serveApi(suite.h);
  });
  afterAll(async () => {
    await suite.api?.close();
    await suite.h?.teardown();
  });
  return suite;
}

/** Serves the API over the harness, with the test accounts and weihai's API key in its database. */
export async function serveApi(h: LifecycleHarness): Promise<TestApi> {
  await seedTestAccounts(h.database.prisma);
  const app = createApp({
    prisma: h.database.prisma,
    temporal: h.env.client,
    taskQueue: h.taskQueue,
    logger: createLogger('silent'),
    // Overdue tasks and dashboards are judged on the test server's clock, as the timers that made them.
    clock: async () => new Date(await h.now()),
    smsSignName: h.dependencies().endpoints.sms.signName,
    smsMaxParamLength: h.dependencies().endpoints.sms.maxParamLength,
    wechat: h.dependencies().endpoints.wechat,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const system = keyCaller(url, TEST_API_KEY);
  const sessions = new Map<CallerName, Promise<Caller>>();
  return {
    url,
    call: (method, path, body) => system.call(method, path, body),
    as: (who) => {
      if (who === 'system') return Promise.resolve(system);
      if (who === 'anonymous') return Promise.resolve(anonymousCaller(url));
      if (!sessions.has(who)) sessions.set(who, sessionCaller(url, ACCOUNTS[who].username, TEST_PASSWORD));
      return sessions.get(who)!;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
