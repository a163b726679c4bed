import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { PrismaClient } from '../../generated/prisma/client';
import { createLogger } from '../../runtime/logger';
import { PROJECT_ROOT } from '../support/paths';

// The document integrators generate clients from, linted with Redocly's recommended rules
// (redocly.yaml says which two are off, and why). Serving it reaches neither database nor Temporal.
let server: Server;
let document: Record<string, unknown>;

beforeAll(async () => {
  const app = createApp({ prisma: {} as PrismaClient, temporal: {} as Client, taskQueue: 'unused', logger: createLogger('silent'), publicUrl: 'http://127.0.0.1:3000' });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  document = (await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`)).json()) as Record<string, unknown>;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

type Operation = { operationId?: string; security?: unknown[] };

it('gives every operation a unique operationId usable as a method name, and declares its security', () => {
  const operations = Object.values(document.paths as Record<string, Record<string, Operation>>).flatMap((methods) => Object.values(methods));
  expect(operations.length).toBeGreaterThan(50);
  const ids = operations.map((operation) => operation.operationId);
  for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
  expect(new Set(ids).size).toBe(ids.length);
  for (const operation of operations) expect(Array.isArray(operation.security)).toBe(true);
});

it("passes Redocly's lint with no error and no warning", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document));
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'redocly'),
      ['lint', file, '--config', path.join(PROJECT_ROOT, 'redocly.yaml'), '--format', 'stylish'],
      { cwd: PROJECT_ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  expect([code, output.match(/^\s*\d+:\d+\s+(warning|error)\s.*$/gm) ?? []]).toEqual([0, []]);
}, 150_000);
