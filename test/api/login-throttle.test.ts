import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createLogger } from '../../runtime/logger';
import { ACCOUNTS, seedTestAccounts, TEST_PASSWORD } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { sendJson } from '../support/http';
import type { LoginThrottleSettings } from '../../api/login-throttle';

// Login needs the database only; no route called here reaches Temporal.
let database: TestDatabase;
let server: Server;
let url: string;
// A second API over the same database whose limit for one address across usernames is low.
let strictServer: Server;
let strictUrl: string;

async function serve(loginThrottle: LoginThrottleSettings): Promise<[Server, string]> {
  const app = createApp({ prisma: database.prisma, temporal: {} as Client, taskQueue: 'unused', logger: createLogger('silent'), loginThrottle });
  const listening = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  return [listening, `http://127.0.0.1:${(listening.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  await seedTestAccounts(database.prisma);
  [server, url] = await serve({ failures: 3, addressFailures: 100, windowMinutes: 15 });
  [strictServer, strictUrl] = await serve({ failures: 3, addressFailures: 5, windowMinutes: 15 });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => strictServer?.close(resolve));
  await database?.destroy();
});

const logIn = (username: string, password: string) => sendJson(`${url}/api/v1/session`, 'POST', { username, password });

it('answers 429 naming the username after the limit of failed logins, even with the right password, and says how long to wait', async () => {
  const { username } = ACCOUNTS.specialistA;
  for (let attempt = 0; attempt < 3; attempt++) expect((await logIn(username, 'not the password')).status).toBe(401);
  const locked = await logIn(username, TEST_PASSWORD);
  expect(locked.status).toBe(429);
  expect(locked.body.error).toMatchObject({ code: 'too_many_failed_logins', fields: [{ path: 'username' }] });
  expect(locked.body.error.message).toContain('wait 15 minutes');
  expect(locked.headers.get('ratelimit-policy')).toContain('q=3; w=900');
  // The same username in other letter case is the same account to a guesser.
  expect((await logIn(username.toUpperCase(), TEST_PASSWORD)).status).toBe(429);
});

it('keeps other usernames from the same address open', async () => {
  expect((await logIn(ACCOUNTS.specialistA2.username, TEST_PASSWORD)).status).toBe(200);
});

it('does not count successful logins', async () => {
  for (let attempt = 0; attempt < 5; attempt++) expect((await logIn(ACCOUNTS.supervisor.username, TEST_PASSWORD)).status).toBe(200);
  expect((await logIn(ACCOUNTS.supervisor.username, 'not the password')).status).toBe(401);
  expect((await logIn(ACCOUNTS.supervisor.username, TEST_PASSWORD)).status).toBe(200);
});

it("counts the login page's failures and the API's together, and shows the page's refusal as a page", async () => {
  const { username } = ACCOUNTS.specialistB;
  for (let attempt = 0; attempt < 3; attempt++) expect((await logIn(username, 'not the password')).status).toBe(401);
  // The form as a browser sends it: with the CSRF token and cookie of the login page.
  const form = await fetch(`${url}/login`, { headers: { accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const cookie = form.headers.getSetCookie().map((setCookie) => setCookie.split(';')[0]).join('; ');
  const page = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
    body: new URLSearchParams({ _csrf: token, username, password: TEST_PASSWORD }).toString(),
    redirect: 'manual',
  });
  expect([page.status, page.status === 429 ? '' : await page.clone().text()]).toEqual([429, '']);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('该用户名登录失败次数过多');
});

it('locks an address that guesses across many usernames, whatever username it tries next', async () => {
  const logInStrict = (username: string, password: string) => sendJson(`${strictUrl}/api/v1/session`, 'POST', { username, password });
  for (let attempt = 0; attempt < 5; attempt++) expect((await logInStrict(`guess-${attempt}`, 'not the password')).status).toBe(401);
  const locked = await logInStrict(ACCOUNTS.admin.username, TEST_PASSWORD);
  expect(locked.status).toBe(429);
  expect(locked.body.error).toMatchObject({ code: 'too_many_failed_logins', fields: [{ path: 'username' }] });
  expect(locked.body.error.message).toContain('from this address');
});
