import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { createApp, type ApiDependencies } from '../../api/app';
import { createLogger } from '../../runtime/logger';
import { AesGcmPayloadCodec, generatePayloadKeySetting, parsePayloadKeys } from '../../runtime/payload-codec';
import { createTestDatabase, type TestDatabase } from '../support/databases';

// /metrics and /codec take their own operator tokens, as bearer tokens like the API keys. They read
// the database and the payload keys only; nothing here reaches Temporal.
let database: TestDatabase;
const servers: Server[] = [];

beforeAll(async () => {
  database = await createTestDatabase('pglite');
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await database?.destroy();
});

/** Serves the API on `host`, with the given metrics token; answers its base URL. */
async function serve(host: string, metricsToken?: string, codecToken?: string): Promise<string> {
  const deps: ApiDependencies = {
    prisma: database.prisma,
    temporal: {} as Client,
    taskQueue: 'unused',
    logger: createLogger('silent'),
    metricsToken,
    codec: { payloadCodec: new AesGcmPayloadCodec(parsePayloadKeys(generatePayloadKeySetting('tests'))), authToken: codecToken, allowedOrigins: [] },
  };
  const server = await new Promise<Server>((resolve) => {
    const listening = createApp(deps).listen(0, host, () => resolve(listening));
  });
  servers.push(server);
  return `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
}

/** An address of this machine that is not loopback: calls to it arrive from that address. */
function outwardAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;
}

it('asks scrapers for METRICS_TOKEN as a bearer token when it is set', async () => {
  const url = await serve('127.0.0.1', 'metrics-token-of-the-tests');
  const none = await fetch(`${url}/metrics`);
  expect(none.status).toBe(401);
  expect(((await none.json()) as { error: { fields: { path: string }[] } }).error.fields).toEqual([{ path: 'authorization', message: 'missing or wrong' }]);
  expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-the-tests' } })).status).toBe(401);
  const scraped = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer metrics-token-of-the-tests' } });
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toContain('# TYPE');
});

it('answers only callers on this machine when METRICS_TOKEN is unset', async () => {
  expect((await fetch(`${await serve('127.0.0.1')}/metrics`)).status).toBe(200);
  const address = outwardAddress();
  if (!address) throw new Error('this test needs a non-loopback IPv4 interface to call from');
  const fromOutside = await fetch(`${await serve(address)}/metrics`);
  expect(fromOutside.status).toBe(401);
  expect(((await fromOutside.json()) as { error: { message: string } }).error.message).toContain('set the token to scrape from elsewhere');
});

it('asks the Temporal UI and CLI for CODEC_AUTH_TOKEN as a bearer token, and decodes what it encoded', async () => {
  const url = await serve('127.0.0.1', undefined, 'codec-token-of-the-tests');
  const plain = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"李娜 13900139000"').toString('base64') }] };
  const post = (path: string, body: unknown, authorization?: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
  expect((await post('/codec/encode', plain)).status).toBe(401);
  expect((await post('/codec/encode', plain, 'Bearer wrong-token-of-the-tests')).status).toBe(401);
  const encoded = await post('/codec/encode', plain, 'Bearer codec-token-of-the-tests');
  expect(encoded.status).toBe(200);
  const sealed = (await encoded.json()) as typeof plain;
  expect(Buffer.from(sealed.payloads[0]!.data, 'base64').toString()).not.toContain('13900139000');
  const decoded = await post('/codec/decode', sealed, 'Bearer codec-token-of-the-tests');
  expect(await decoded.json()).toEqual(plain);
});
