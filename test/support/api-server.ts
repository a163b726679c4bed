import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createLogger } from '../../runtime/logger';
import type { LifecycleHarness } from './lifecycle';

/** The HTTP API over a lifecycle harness's database and Temporal server, on a free port. */
export interface TestApi {
  url: string;
  /** Sends JSON (or nothing) and returns the status and the parsed JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function serveApi(h: LifecycleHarness): Promise<TestApi> {
  const app = createApp({ prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue, logger: createLogger('silent') });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: a file export; the caller reads it as text.
      }
      return { status: response.status, body: parsed };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
