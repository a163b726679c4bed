import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import express, { Router, type Request } from 'express';
import type { z } from 'zod';
import { ApiError, refuseInvalidUtf8 } from './errors';
import { defineRoute } from './routing';
import { CodecPayloadsBody as PayloadsBody } from './schemas';
import { bearerMatches, isLoopbackCaller } from './caller-origin';

export interface CodecDependencies {
  payloadCodec: PayloadCodec;
  /** The bearer token asked of callers; unset: loopback callers only. */
  authToken?: string;
  /** Browser origins allowed to call (the Temporal Web UI). */
  allowedOrigins: readonly string[];
}

const toPayload = (json: z.output<typeof PayloadsBody>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
  data: Buffer.from(json.data ?? '', 'base64'),
});
const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});


/**
 * The remote codec endpoint (`POST /codec/encode`, `POST /codec/decode`) that lets the Temporal Web
 * UI and CLI show encrypted payloads to operators: `temporal workflow show --codec-endpoint
 * http://…/codec --codec-auth 'Bearer <CODEC_AUTH_TOKEN>'`.
 */
export function codecRoutes(registry: OpenAPIRegistry, deps: CodecDependencies): Router {
  const router = Router();
  router.use('/codec', cors({ origin: [...deps.allowedOrigins], allowedHeaders: ['content-type', 'x-namespace', 'authorization'], methods: ['POST'] }));
  const authorise = (req: Request) => {
    if (deps.authToken ? bearerMatches(req, deps.authToken) : isLoopbackCaller(req)) return;
    throw new ApiError(401, 'unauthorised', deps.authToken ? 'Send Authorization: Bearer <CODEC_AUTH_TOKEN>.' : 'Without CODEC_AUTH_TOKEN the codec answers this machine only; set the token to call it from elsewhere.', [
      { path: 'authorization', message: 'missing or wrong' },
    ]);
  };
  // The operator's token is checked before the payloads are read; then the body is theirs to send.
  router.post(['/codec/encode', '/codec/decode'], (req, _res, next) => {
    authorise(req);
    next();
  }, express.json({ limit: '4mb', verify: refuseInvalidUtf8 }));
  for (const direction of ['encode', 'decode'] as const) {
    defineRoute(
      router,
      registry,
      {
        method: 'post',
        path: `/codec/${direction}`,
        summary: direction === 'decode' ? 'Decrypts Temporal payloads for the Web UI and CLI' : 'Encrypts Temporal payloads (the CLI sends signal and query arguments through it)',
        tags: ['operations'],
        // Operators prove themselves with the codec's own token (or by being on this machine).
        access: 'public',
        body: PayloadsBody,
        responses: {
          200: { description: 'The payloads, same order', content: { 'application/json': { schema: PayloadsBody } } },
          401: { description: 'No or wrong bearer token' },
        },
      },
      async ({ body }) => {
        const payloads = body.payloads.map(toPayload);
        let coded: Payload[];
        try {
          coded = await (direction === 'decode' ? deps.payloadCodec.decode(payloads) : deps.payloadCodec.encode(payloads));
        } catch (error) {
          throw new ApiError(422, 'payload_not_decodable', (error as Error).message, [{ path: 'payloads', message: 'cannot be decrypted with the configured keys' }]);
        }
        return { status: 200, body: { payloads: coded.map(toJson) } };
      },
    );
  }
  return router;
}
