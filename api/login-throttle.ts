import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ApiError } from './errors';

/** How many failed logins one address may make for one username, and for all usernames together, and over how long. */
export interface LoginThrottleSettings {
  failures: number;
  /** Failures of one address across every username it tries; at least `failures`. */
  addressFailures?: number;
  windowMinutes: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = { failures: 10, addressFailures: 30, windowMinutes: 15 };

/**
 * Slows password guessing: after `failures` failed logins for one username from one address
 * within the window, further attempts for that pair answer 429 until the window passes, even with
 * the right password; after `addressFailures` failures from one address, whatever usernames it
 * tried, every attempt from it does. Successful logins are not counted, so staff who share an
 * office address are not locked out by each other's successes.
 *
 * Mounted in front of both login routes (`POST /login` and `POST /api/v1/session`). The counts
 * live in this process: behind several API processes, each keeps its own.
 */
export function loginThrottle(settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE): RequestHandler[] {
  if (!(Number.isInteger(settings.failures) && settings.failures >= 1)) throw new Error(`login throttle failures must be a whole number ≥ 1, got ${settings.failures}`);
  const addressFailures = settings.addressFailures ?? Math.max(settings.failures, DEFAULT_LOGIN_THROTTLE.addressFailures!);
  if (!(Number.isInteger(addressFailures) && addressFailures >= settings.failures)) {
    throw new Error(`login throttle addressFailures must be a whole number ≥ failures (${settings.failures}), got ${addressFailures}`);
  }
  if (!(settings.windowMinutes > 0)) throw new Error(`login throttle windowMinutes must be positive, got ${settings.windowMinutes}`);
  const common = { windowMs: settings.windowMinutes * 60_000, skipSuccessfulRequests: true, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  const perAddress = rateLimit({
    ...common,
    limit: addressFailures,
    identifier: 'address',
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next) => {
      next(
        new ApiError(429, 'too_many_failed_logins', `Too many failed logins from this address: wait ${settings.windowMinutes} minutes, or ask an administrator to reset the password.`, [
          { path: 'username', message: `every username is locked from this address for up to ${settings.windowMinutes} minutes after ${addressFailures} failed logins` },
        ]),
      );
    },
  });
  const perUsername = rateLimit({
    ...common,
    limit: settings.failures,
    keyGenerator: (req) => {
      const username = (req.body as { username?: unknown } | undefined)?.username;
      return `${ipKeyGenerator(req.ip ?? 'unknown')}|${typeof username === 'string' ? username.trim().toLowerCase() : ''}`;
    },
    handler: (_req, _res, next) => {
      next(
        new ApiError(429, 'too_many_failed_logins', `Too many failed logins for this username from this address: wait ${settings.windowMinutes} minutes, or ask an administrator to reset the password.`, [
          { path: 'username', message: `locked for up to ${settings.windowMinutes} minutes after ${settings.failures} failed logins` },
        ]),
      );
    },
  });
  return [perAddress, perUsername];
}
