import type { PrismaClient } from '../generated/prisma/client';
import type { Principal } from '../services/access/principal';
import { assertBureau } from './access';
import { ApiError } from './errors';

/**
 * The bureau a request names.
 * @param field where the request named it (`params.bureau`, `query.bureau`), for the 404.
 * @throws ApiError 404 naming that field when there is no such bureau.
 */
export async function bureauOr404(prisma: PrismaClient, code: string, field: string) {
  const bureau = await prisma.bureau.findUnique({ where: { code } });
  if (!bureau) throw ApiError.notFound(`Bureau ${code}`, field);
  return bureau;
}

/** The bureau a supervisor asks about in `query.bureau`: their own unless they name it (and only theirs). */
export async function askedBureau(prisma: PrismaClient, principal: Principal, asked: string | undefined) {
  const code = asked ?? principal.bureauCode;
  if (!code) throw ApiError.invalid([{ path: 'query.bureau', message: 'is required for an account of no bureau' }]);
  assertBureau(principal, code);
  return bureauOr404(prisma, code, 'query.bureau');
}
