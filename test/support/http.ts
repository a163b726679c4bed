/**
 * Sends JSON (or nothing) to an API and returns the status with the answer parsed as JSON, or its
 * text when it is not JSON (a file export, or an error page to show in the assertion message).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export async function sendJson(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
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
  return { status: response.status, body: parsed };
}
