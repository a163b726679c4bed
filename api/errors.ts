import { isUtf8 } from 'node:buffer';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../runtime/logger';
import { fieldProblems, Refusal, type FieldProblem, type RefusalKind } from '../services/refusal';

export { fieldProblems, type FieldProblem };

const STATUS_OF: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unprocessable: 422 };

/**
 * An error the API answers with a 4xx (or a deliberate 5xx) and the body
 * `{ error: { code, message, fields } }`.
 */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** 400 for input that names each bad field. */
  static invalid(fields: FieldProblem[]): ApiError {
    return new ApiError(400, 'invalid_request', `Invalid request: ${fields.map((f) => f.path).join(', ')}`, fields);
  }

  /** 404 for a reference to nothing; `path` names the field that held the reference. */
  static notFound(what: string, path?: string): ApiError {
    return new ApiError(404, 'not_found', `${what} was not found`, path ? [{ path, message: `names nothing that exists: ${what} was not found` }] : []);
  }
}

/** The API's view of an error it can answer: an ApiError as it is, a Refusal with its status; else undefined. */
export function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof Refusal) return new ApiError(STATUS_OF[error.kind], error.code, error.message, error.fields);
  return undefined;
}

/** Maps every error to the API's error body; nothing but a 5xx is logged as an error. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let apiError: ApiError;
    const known = asApiError(error);
    if (known) apiError = known;
    else if (error instanceof ZodError) apiError = ApiError.invalid(fieldProblems(error));
    else if (isBodyParserError(error)) apiError = bodyParserError(error);
    else {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
      apiError = new ApiError(500, 'internal_error', 'The request failed inside the engine; it has been logged.');
    }
    res.status(apiError.status).json({
      error: { code: apiError.code, message: apiError.message, fields: apiError.fields },
    });
  };
}

interface BodyParserError {
  status: number;
  type: string;
  message: string;
}

/** The body parsers' error type for bytes that are not UTF-8 (see {@link refuseInvalidUtf8}). */
const INVALID_UTF8 = 'entity.utf8.invalid';

/**
 * A body parser's `verify` hook that refuses bytes that are not UTF-8: decoding them would put
 * U+FFFD in the record in place of what the caller meant.
 */
export function refuseInvalidUtf8(_req: unknown, _res: unknown, bytes: Buffer): void {
  if (!isUtf8(bytes)) throw Object.assign(new Error('the body is not valid UTF-8'), { type: INVALID_UTF8 });
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

function bodyParserError(error: BodyParserError): ApiError {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', 'The body is not valid JSON.', [{ path: 'body', message: 'must be valid JSON' }]);
    case 'entity.too.large':
      return new ApiError(413, 'body_too_large', 'The body is larger than the API accepts.', [
        { path: 'body', message: 'must be at most 1 MB' },
      ]);
    case INVALID_UTF8:
      return new ApiError(400, 'invalid_utf8', 'The body is not valid UTF-8: send the text encoded as UTF-8.', [{ path: 'body', message: 'must be valid UTF-8' }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_encoding', error.message, [{ path: 'body', message: 'must be UTF-8 JSON' }]);
    default:
      return new ApiError(error.status >= 400 && error.status < 500 ? error.status : 400, 'invalid_body', error.message);
  }
}
