import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { SMS_PROVIDERS } from '../activities/sms/provider';
import type { PrismaClient } from '../generated/prisma/client';
import { MAX_REPLIES_PER_REQUEST, parseReplies, receiveSmsReplies, REPLY_MATCH_DAYS } from '../services/sms-replies';
import { ApiError, fieldProblems } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';
import { receiptTokenMatches } from './sms-receipt-routes';

export interface SmsReplyRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  /** The same shared secret as the receipts': the provider sends it as `?token=`. */
  smsReceiptSecret?: string;
}

const ProviderParams = z.object({ provider: z.enum(SMS_PROVIDERS) });
const TokenQuery = z.object({ token: z.string().min(1, 'the reply URL carries the shared secret as ?token=') });

/**
 * Holders' replies to the reminder texts (Aliyun SmsUp, Tencent reply callback). Called by the
 * provider; it authenticates like the receipts, and answers in the provider's acknowledgement format.
 */
export function smsReplyRoutes(registry: OpenAPIRegistry, deps: SmsReplyRoutesDependencies): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/sms-replies/{provider}',
      summary: "Holders' SMS replies (Aliyun SmsUp or Tencent reply callback)",
      description: `Each reply is kept once and handed to the licences texted to its number in the ${REPLY_MATCH_DAYS} days before it: 已办理 asks a specialist to confirm the renewal, 号码错误 flags the contact and moves the ladder on, 请回电 and anything else open a task for the department. At most ${MAX_REPLIES_PER_REQUEST} replies a request.`,
      tags: ['sms'],
      // The provider proves itself with the shared token, checked below.
      access: 'public',
      params: ProviderParams,
      query: TokenQuery,
      body: z
        .union([z.array(z.looseObject({})).min(1).max(MAX_REPLIES_PER_REQUEST), z.looseObject({})])
        .openapi({ description: "Aliyun's array of upstream messages, or Tencent's reply object" }),
      responses: {
        200: json(z.object({ code: z.number().optional(), result: z.number().optional() }).loose(), "The provider's acknowledgement, with the tally"),
        400: json(ErrorBody, 'Not a reply of this provider'),
        401: json(ErrorBody, 'Wrong or missing token'),
      },
    },
    async ({ params, query, body }) => {
      if (!receiptTokenMatches(query.token, deps.smsReceiptSecret)) {
        throw new ApiError(401, 'unauthorized', "The reply token does not match this install's SMS_RECEIPT_SECRET (the same secret as the receipts'; configure it at the provider).");
      }
      const parsed = parseReplies(params.provider, body);
      if ('error' in parsed) throw ApiError.invalid(fieldProblems(parsed.error));
      const tally = await receiveSmsReplies(deps, params.provider, parsed.replies, new Date());
      const acknowledgement = params.provider === 'aliyun' ? { code: 0, msg: '接收成功' } : { result: 0, errmsg: 'OK' };
      return { status: 200, body: { ...acknowledgement, ...tally } };
    },
  );
  return router;
}
