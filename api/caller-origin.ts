import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Whether the caller is on this machine. A proxy on the same host makes every request come from
 * loopback: its forwarded address counts only when `TRUST_PROXY` names it (then `req.ip` is that
 * address); otherwise a request that says it was forwarded is taken as coming from elsewhere.
 */
export function isLoopbackCaller(req: Request): boolean {
  const trusted = req.app.get('trust proxy') !== false;
  if (!trusted && FORWARDING_HEADERS.some((header) => req.headers[header] !== undefined)) return false;
  return LOOPBACK.has((trusted ? req.ip : req.socket.remoteAddress) ?? '');
}

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function bearerMatches(req: Request, token: string): boolean {
  const given = Buffer.from(req.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
