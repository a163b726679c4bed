import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { ROLES, type Principal } from '../services/access/principal';
import { authorize, type Access } from './access';
import { ApiError, fieldProblems, type FieldProblem } from './errors';
import { ErrorBody } from './schemas';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** A route's contract: the same zod schemas validate requests, type handlers and describe the API. */
export interface RouteSpec<
  TParams extends ZodType = ZodType,
  TQuery extends ZodType = ZodType,
  TBody extends ZodType = ZodType,
> {
  method: Method;
  /** OpenAPI-style path (`/api/v1/licences/{id}`); express's `:id` form is derived from it. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it (see api/access.ts); checked before anything else, answering 401 or 403. */
  access: Access;
  params?: TParams;
  query?: TQuery;
  body?: TBody;
  responses: RouteConfig['responses'];
  /** The method name generated clients give it; derived from the method and path when unset (`getLicencesByIdStatus`). */
  operationId?: string;
}

/** The validated parts of a request, typed by the route's schemas. */
export interface ValidRequest<TParams, TQuery, TBody> {
  params: TParams;
  query: TQuery;
  body: TBody;
  /** The caller; reading it on a public route without a caller answers 401. */
  principal: Principal;
  raw: Request;
}

/** What a handler answers: a status and a JSON body … */
export interface JsonReply {
  status: number;
  body: unknown;
}

/** … or a document in another format: a file to download (ledger exports) when it has a name, else shown inline (a feed). */
export interface FileReply {
  status: number;
  file: Buffer | string;
  contentType: string;
  fileName?: string;
}

export type Reply = JsonReply | FileReply;

/**
 * Registers a route on an express router and in the OpenAPI registry from one spec. The handler
 * only runs on input that every schema accepted; otherwise the answer is 400 naming each field.
 */
export function defineRoute<TParams extends ZodType, TQuery extends ZodType, TBody extends ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<TParams, TQuery, TBody>,
  handler: (request: ValidRequest<z.output<TParams>, z.output<TQuery>, z.output<TBody>>) => Promise<Reply>,
): void {
  const takesInput = Boolean(spec.params || spec.query || spec.body);
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId ?? operationIdOf(spec.method, spec.path),
    summary: spec.summary,
    tags: spec.tags,
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    },
    // Public routes say so: their callers prove themselves by what they send (a token, a password).
    security: spec.access === 'public' ? [] : [{ apiKey: [] }, { session: [] }],
    description: [spec.description, spec.access === 'public' ? undefined : `Roles: ${spec.access.join(', ')}.`].filter(Boolean).join('\n\n') || undefined,
    responses: {
      // What every route answers to input its schemas refuse, unless the route says more.
      ...(takesInput ? { 400: errorResponse('A field is invalid; the answer names each one') } : {}),
      ...(spec.body
        ? { 413: errorResponse('The body is larger than 1 MB'), 415: errorResponse('The body is not JSON (application/json, UTF-8)') }
        : {}),
      ...spec.responses,
      ...(spec.access === 'public'
        ? {}
        : {
            401: errorResponse('No valid API key or session'),
            403: errorResponse("Outside the caller's role, bureau or department; nothing changed"),
          }),
    },
  });
  const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  router[spec.method](expressPath, async (req: Request, res: Response) => {
    authorize(spec.access, req);
    if (spec.body && !req.is('application/json')) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON.', [
        { path: 'content-type', message: 'must be application/json' },
      ]);
    }
    const problems: FieldProblem[] = [];
    const parsed = {
      params: parsePart(spec.params, req.params, 'params', problems),
      query: parsePart(spec.query, req.query, 'query', problems),
      body: parsePart(spec.body, req.body, undefined, problems),
    };
    if (problems.length > 0) throw ApiError.invalid(problems);
    const valid = parsed as { params: z.output<TParams>; query: z.output<TQuery>; body: z.output<TBody> };
    const reply = await handler({
      ...valid,
      get principal() {
        const principal = authorize(spec.access === 'public' ? ROLES : spec.access, req);
        return principal!;
      },
      raw: req,
    });
    if ('file' in reply) {
      res.status(reply.status).type(reply.contentType);
      if (reply.fileName) res.attachment(reply.fileName);
      res.send(reply.file);
    } else res.status(reply.status).json(reply.body);
  });
}

function parsePart(schema: ZodType | undefined, value: unknown, where: string | undefined, problems: FieldProblem[]) {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  problems.push(...fieldProblems(result.error, where));
  return undefined;
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorBody } } };
}

const pascal = (word: string) =>
  word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => `${part[0]!.toUpperCase()}${part.slice(1)}`)
    .join('');

/** `get /api/v1/licences/{id}/status` → `getLicencesByIdStatus`: unique per route, and a valid method name. */
export function operationIdOf(method: string, path: string): string {
  const segments = path.replace(/^\/api\/v1\//, '/').split('/').filter(Boolean);
  return `${method}${segments.map((segment) => (segment.startsWith('{') ? `By${pascal(segment.slice(1, -1))}` : pascal(segment))).join('')}`;
}
