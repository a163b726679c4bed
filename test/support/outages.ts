import type { RequestHandler } from 'express';

/**
 * A simulators intercept for an outside system that is down at first: the first `failures` POSTs
 * to `path` answer 503; later ones go through.
 */
export function downAtFirst(path: string, failures: number): { intercept: RequestHandler; requests(): number } {
  let requests = 0;
  return {
    intercept: (req, res, next) => {
      if (req.method !== 'POST' || req.path !== path) return next();
      requests += 1;
      if (requests <= failures) {
        res.status(503).json({ error: 'unavailable' });
        return;
      }
      next();
    },
    requests: () => requests,
  };
}
