/** A JSON answer: the status and the parsed body (or its text when it is not JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export type JsonAnswer = { status: number; body: any; headers: Headers };

/**
 * Sends JSON (or nothing) to an API and returns the status with the answer parsed as JSON, or its
 * text when it is not JSON (a file export, or an error page to show in the assertion message).
 */
export async function sendJson(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method,
    redirect: 'manual',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  // The headers are there to read, not to compare: assertions compare { status, body }.
  return Object.defineProperty({ status: response.status, body: parsed }, 'headers', { value: response.headers, enumerable: false }) as JsonAnswer;
}

/** Calls an API as one caller. */
export interface Caller {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonAnswer>;
}

/** A caller that authenticates with an approval system's API key. */
export function keyCaller(baseUrl: string, apiKey: string): Caller {
  return { call: (method, path, body, headers = {}) => sendJson(`${baseUrl}${path}`, method, body, { authorization: `Bearer ${apiKey}`, ...headers }) };
}

/** A caller with no credentials. */
export function anonymousCaller(baseUrl: string): Caller {
  return { call: (method, path, body, headers = {}) => sendJson(`${baseUrl}${path}`, method, body, headers) };
}

/**
 * Logs a person in through `POST /api/v1/session` and returns a caller that sends the session's
 * cookies and its CSRF token with every request, as the pages do.
 */
export async function sessionCaller(baseUrl: string, username: string, password: string): Promise<Caller> {
  const { cookie, csrfToken } = await logIn(baseUrl, username, password);
  return { call: (method, path, body, headers = {}) => sendJson(`${baseUrl}${path}`, method, body, { cookie, 'x-csrf-token': csrfToken, ...headers }) };
}

/** Logs a person in: the `cookie` header its requests send, and its CSRF token. */
export async function logIn(baseUrl: string, username: string, password: string): Promise<{ cookie: string; csrfToken: string }> {
  const login = await sendJson(`${baseUrl}/api/v1/session`, 'POST', { username, password });
  if (login.status !== 200) throw new Error(`login as ${username} failed: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return { cookie, csrfToken: login.body.csrfToken as string };
}
