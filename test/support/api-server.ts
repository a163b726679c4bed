import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createLogger } from '../../runtime/logger';
import { sendJson } from './http';
import { LifecycleHarness } from './lifecycle';

/** The HTTP API over a lifecycle harness's database and Temporal server, on a free port. */
export interface TestApi {
  url: string;
  /** Sends JSON (or nothing) and returns the status and the parsed JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** A test file's harness and API, started once before its tests and stopped after them. */
export interface ApiSuite {
  h: LifecycleHarness;
  api: TestApi;
}

/** Registers the hooks that give a test file its {@link ApiSuite}; read it inside tests and hooks. */
export function apiSuite(): ApiSuite {
  const suite = {} as ApiSuite;
  beforeAll(async () => {
    suite.h = await LifecycleHarness.start();
    await suite.h.beginTest();
    suite.api = await serveApi(suite.h);
  });
  afterAll(async () => {
    await suite.api?.close();
    await suite.h?.teardown();
  });
  return suite;
}

export async function serveApi(h: LifecycleHarness): Promise<TestApi> {
  const app = createApp({ prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue, logger: createLogger('silent') });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    call: (method, path, body) => sendJson(`${url}${path}`, method, body),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
