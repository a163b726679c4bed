import type { ZodError } from 'zod';

/** One bad field: where it is in the input and what to do about it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * What a refusal means, whoever asked: the HTTP layer answers it with a status, an activity turns
 * it into a non-retryable failure (a retry would be refused the same way) for a person to fix.
 */
export type RefusalKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable';

/** The application refuses something as it stands: its code and message say what, its fields where. */
export class Refusal extends Error {
  override name = 'Refusal';

  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** Input that names each bad field. */
  static invalid(fields: FieldProblem[]): Refusal {
    return new Refusal('invalid', 'invalid_request', `Invalid request: ${fields.map((f) => f.path).join(', ')}`, fields);
  }

  /** A reference to nothing; `path` names the field that held the reference. */
  static notFound(what: string, path?: string): Refusal {
    return new Refusal('not_found', 'not_found', `${what} was not found`, path ? [{ path, message: `names nothing that exists: ${what} was not found` }] : []);
  }
}

/** The most field problems an answer lists: a body of 75,000 unknown keys must not answer megabytes. */
export const MAX_FIELD_PROBLEMS = 50;

/**
 * Turns zod's issues into field problems; `where` prefixes the path (`body`, `query`, `params`).
 * At most {@link MAX_FIELD_PROBLEMS} are listed, the last one saying how many more there were.
 */
export function fieldProblems(error: ZodError, where?: string): FieldProblem[] {
  const all = allFieldProblems(error, where);
  if (all.length <= MAX_FIELD_PROBLEMS) return all;
  const listed = all.slice(0, MAX_FIELD_PROBLEMS - 1);
  return [...listed, { path: '(more)', message: `${all.length - listed.length} more problems not listed: fix these and send again` }];
}

function allFieldProblems(error: ZodError, where?: string): FieldProblem[] {
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
