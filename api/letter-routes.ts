import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { assertDepartment } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';

export interface LetterRoutesDependencies {
  prisma: PrismaClient;
}

const LetterParams = z.object({ id: z.uuid('must be a letter id (a UUID)') });

const LetterView = z
  .object({
    id: z.string(),
    licenceId: z.string(),
    licenceNumber: z.string(),
    body: z.string(),
    pdf: z.string().nullable().openapi({ description: 'where to download the PDF, when there is one' }),
    createdAt: z.string(),
  })
  .openapi('Letter');

/** The path of a letter's PDF, linked from its task. */
export const letterPdfPath = (id: string) => `/api/v1/letters/${id}/pdf`;

/** 点对点函告: the reminder letters the engine wrote, as text and as a PDF to print. */
export function letterRoutes(registry: OpenAPIRegistry, deps: LetterRoutesDependencies): Router {
  const router = Router();

  const letterOf = async (id: string) => {
    const letter = await deps.prisma.letter.findUnique({ where: { id }, include: { licence: { include: { catalogueEntry: { include: { department: true } } } } } });
    if (!letter) throw ApiError.notFound(`Letter ${id}`, 'params.id');
    return letter;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/letters/{id}',
      summary: 'A reminder letter (点对点函告): its text and the link to its PDF',
      tags: ['letters'],
      // The letter names the holder and the contact: the owning department, the bureau's supervisors
      // and its approval systems, which supplied those details.
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: LetterParams,
      responses: { 200: json(LetterView, 'The letter'), 404: json(ErrorBody, 'No such letter') },
    },
    async ({ params, principal }) => {
      const letter = await letterOf(params.id);
      assertDepartment(principal, letter.licence.catalogueEntry.department);
      return {
        status: 200,
        body: {
          id: letter.id,
          licenceId: letter.licenceId,
          licenceNumber: letter.licence.licenceNumber,
          body: letter.body,
          pdf: letter.pdf ? letterPdfPath(letter.id) : null,
          createdAt: letter.createdAt.toISOString(),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/letters/{id}/pdf',
      summary: 'Downloads a reminder letter as a PDF (A4, Chinese, with the bureau letterhead)',
      tags: ['letters'],
      // The letter names the holder and the contact: the owning department, the bureau's supervisors
      // and its approval systems, which supplied those details.
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: LetterParams,
      responses: {
        200: { description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
        404: json(ErrorBody, 'No such letter, or it was written before letters had PDFs'),
      },
    },
    async ({ params, principal }) => {
      const letter = await letterOf(params.id);
      assertDepartment(principal, letter.licence.catalogueEntry.department);
      if (!letter.pdf) throw ApiError.notFound(`The PDF of letter ${params.id}`, 'params.id');
      return { status: 200, file: Buffer.from(letter.pdf), contentType: 'application/pdf', fileName: `证照到期提醒函-${letter.licence.licenceNumber}.pdf` };
    },
  );
  return router;
}
