import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../runtime/logger';

/** One bad field: where it is in the request and what to do about it. */
export interface FieldProblem {
  path: string;
  message: string;
}

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

/** Turns zod's issues into field problems; `where` prefixes the path (`body`, `query`, `params`). */
export function fieldProblems(error: ZodError, where?: string): FieldProblem[] {
  const pathOf = (segments: PropertyKey[]) => [...(where ? [where] : []), ...segments.map(String)].join('.') || '(root)';
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: pathOf([...issue.path, key]),
        message: 'is not a known field: remove it or check its spelling',
      }));
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return [{ path: pathOf(issue.path), message: `is required (${issue.expected})` }];
    }
    return [{ path: pathOf(issue.path), message: issue.message }];
  });
}

/** Maps every error to the API's error body; nothing but a 5xx is logged as an error. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
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
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_encoding', error.message, [{ path: 'body', message: 'must be UTF-8 JSON' }]);
    default:
      return new ApiError(error.status >= 400 && error.status < 500 ? error.status : 400, 'invalid_body', error.message);
  }
}
