import { createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import type { SmsSettings } from './sms/provider';
import type { WechatSettings } from './wechat/client';

/** Where the reminder channels and regulators are reached. */
export interface IntegrationEndpoints {
  /** The approval system / service portal webhook that receives auto prompts. */
  autoPromptUrl: string;
  /** HMAC key the prompts and batch notices are signed with. */
  autoPromptSigningSecret: string;
  /** The portal / WeChat official account webhook that publishes batch notices (集中提醒). */
  batchNoticeUrl: string;
  /** The SMS provider, its account and limits. */
  sms: SmsSettings;
  /** The WeChat service account; unset, every WeChat step texts the holder instead. */
  wechat?: WechatSettings;
  /** Where the public reaches this engine: binding links in letters and prompts start with it. */
  publicUrl?: string;
  /** Regulators without a webhook of their own get `<base>/<regulator id>/decisions`. */
  regulatorWebhookBaseUrl: string;
  /** HMAC key for regulators without a secret of their own. */
  regulatorSigningSecret: string;
}

/** What activities need from the process that hosts them. */
export interface ActivityDependencies {
  prisma: PrismaClient;
  /** Starts renewed licences' workflows through the registration path. */
  temporal: Client;
  taskQueue: string;
  endpoints: IntegrationEndpoints;
}

/**
 * The `Idempotency-Key` header for a step's key. Keys hold licence numbers such as 鲁威药经2023001,
 * and header values must be ASCII, so the key travels percent-encoded (UTF-8), as a URL would.
 */
export function idempotencyKeyHeader(key: string): { 'idempotency-key': string } {
  return { 'idempotency-key': encodeURIComponent(key) };
}

/** The signature the portal and the regulators check: HMAC-SHA256 over `<timestamp>.<body>`, hex. */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Posts a JSON body signed as every outside system here checks it: `Idempotency-Key`,
 * `X-Timestamp`, `X-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`.
 * @param timestamp epoch seconds by default (the portal); the regulators take an ISO instant.
 */
export function postSigned(
  url: string,
  body: string,
  signing: { secret: string; idempotencyKey: string; timestamp?: string },
): Promise<{ status: number; json: unknown }> {
  const timestamp = signing.timestamp ?? String(Math.floor(Date.now() / 1000));
  return postJson(url, body, {
    ...idempotencyKeyHeader(signing.idempotencyKey),
    'x-timestamp': timestamp,
    'x-signature': `sha256=${signDelivery(signing.secret, timestamp, body)}`,
  });
}

/** Posts JSON with a timeout; throws on a network error or a non-2xx answer, naming the endpoint. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs = 10_000,
): Promise<{ status: number; json: unknown }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await response.text();
  if (!response.ok) throw new HttpStatusError(url, response.status, answer.slice(0, 200));
  let json: unknown = undefined;
  try {
    json = answer ? JSON.parse(answer) : undefined;
  } catch {
    json = answer;
  }
  return { status: response.status, json };
}

export class HttpStatusError extends Error {
  override name = 'HttpStatusError';

  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${url} answered HTTP ${status}: ${body}`);
  }
}
