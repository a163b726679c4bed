import { timingSafeEqual } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { SMS_PROVIDERS } from '../activities/sms/provider';
import type { PrismaClient } from '../generated/prisma/client';
import { MAX_RECEIPTS_PER_REQUEST, UNMATCHED_RECEIPT_RETENTION_DAYS, parseReceipts, receiveSmsReceipts } from '../services/sms-receipts';
import { ApiError, fieldProblems } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';

export interface SmsReceiptRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  /** The shared secret the provider is configured to send as `?token=`; unset refuses every receipt. */
  smsReceiptSecret?: string;
}

const ProviderParams = z.object({ provider: z.enum(SMS_PROVIDERS) });
const TokenQuery = z.object({ token: z.string().min(1, 'the receipt URL carries the shared secret as ?token=') });

/** The provider's shared token, compared in constant time; no secret configured matches nothing. */
export function receiptTokenMatches(given: string, secret: string | undefined): boolean {
  if (!secret) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The SMS provider's delivery-receipt callback. Called by the provider, not by users: it
 * authenticates by the shared secret in the URL configured at the provider, and answers in the
 * provider's own acknowledgement format.
 */
export function smsReceiptRoutes(registry: OpenAPIRegistry, deps: SmsReceiptRoutesDependencies): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/sms-receipts/{provider}',
      summary: "The SMS provider's delivery receipts (Aliyun SmsReport or Tencent status callback)",
      description: `The first receipt of a message moves its licence on; later ones are counted as duplicates and change nothing. At most ${MAX_RECEIPTS_PER_REQUEST} receipts a request; receipts for messages never recorded are kept ${UNMATCHED_RECEIPT_RETENTION_DAYS} days, in case the send is recorded after its receipt, then purged.`,
      tags: ['sms'],
      // The provider proves itself with the shared receipt token, checked below.
      access: 'public',
      params: ProviderParams,
      query: TokenQuery,
      body: z
        .array(z.looseObject({}))
        .min(1)
        .max(MAX_RECEIPTS_PER_REQUEST, `at most ${MAX_RECEIPTS_PER_REQUEST} receipts a request: configure the provider's batch size below it`)
        .openapi({ description: "the provider's report array" }),
      responses: {
        200: json(z.object({ code: z.number().optional(), result: z.number().optional() }).loose(), "The provider's acknowledgement, with the tally"),
        400: json(ErrorBody, 'Not a receipt of this provider'),
        401: json(ErrorBody, 'Wrong or missing token'),
      },
    },
    async ({ params, query, body }) => {
      if (!receiptTokenMatches(query.token, deps.smsReceiptSecret)) throw new ApiError(401, 'unauthorized', 'The receipt token does not match this install\'s SMS_RECEIPT_SECRET (set it, or read the generated one from the data folder\'s sms-receipt-secret, and configure it at the provider).');
      const parsed = parseReceipts(params.provider, body);
      if ('error' in parsed) throw ApiError.invalid(fieldProblems(parsed.error));
      const tally = await receiveSmsReceipts(deps, params.provider, parsed.reports, new Date());
      const acknowledgement = params.provider === 'aliyun' ? { code: 0, msg: '接收成功' } : { result: 0, errmsg: 'OK' };
      return { status: 200, body: { ...acknowledgement, ...tally } };
    },
  );
  return router;
}
