import type { PrismaClient } from '../generated/prisma/client';
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
