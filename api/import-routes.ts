import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { openImportJob, runImportJob } from '../services/import/run-import';
import { assertBureau } from './access';
import { bureauOr404 } from './bureaus';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, text } from './schemas';

export interface ImportRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

const ImportJobView = z
  .object({
    id: z.string(),
    bureau: z.string(),
    fileName: z.string(),
    status: z.enum(['running', 'finished', 'failed']),
    totalRows: z.number().int(),
    processedRows: z.number().int().openapi({ description: 'The last file line done; a resumed import starts after it' }),
    importedRows: z.number().int(),
    existingRows: z.number().int().openapi({ description: 'Rows already registered with the same details: nothing created, nothing started' }),
    badRows: z.number().int(),
    problems: z.array(z.object({ line: z.number().int(), field: z.string(), reason: z.string() })),
    lastError: z.string().nullable(),
  })
  .openapi('ImportJob');

const ImportQuery = z.strictObject({
  bureau: text(64),
  fileName: text(200).regex(/\.(csv|xlsx)$/i, 'must end in .csv or .xlsx').openapi({ example: '电子证照导出.csv' }),
  startsPerSecond: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Bulk import from the e-licence database's exports: upload a file, watch its job. */
export function importRoutes(registry: OpenAPIRegistry, deps: ImportRoutesDependencies): Router {
  const router = Router();
  const uploads = path.join(os.tmpdir(), 'licence-imports');

  router.post('/api/v1/imports', express.raw({ type: UPLOAD_TYPES, limit: '512mb' }));
  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/imports',
      summary: 'Import licences from a CSV (UTF-8) or XLSX export; the body is the file',
      description:
        'Answers 202 with the job at once; every good row is registered as POST /api/v1/licences would, every bad row is reported with its line, field and reason. The same file again resumes an unfinished job or, once finished, registers nothing new.',
      tags: ['imports'],
      access: ['system', 'admin'],
      query: ImportQuery,
      responses: { 202: json(ImportJobView, 'The import started'), 400: json(ErrorBody, 'No file, or a bad query'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ query, raw, principal }) => {
      assertBureau(principal, query.bureau);
      if (!Buffer.isBuffer(raw.body) || raw.body.length === 0) {
        throw ApiError.invalid([{ path: 'body', message: `send the file as the body, with content-type ${UPLOAD_TYPES.slice(0, 2).join(' or ')}` }]);
      }
      await bureauOr404(deps.prisma, query.bureau, 'query.bureau');
      fs.mkdirSync(uploads, { recursive: true });
      const staged = path.join(uploads, `${Date.now()}-${process.pid}${path.extname(query.fileName).toLowerCase()}`);
      fs.writeFileSync(staged, raw.body);
      const options = { filePath: staged, fileName: query.fileName, bureau: query.bureau, startsPerSecond: query.startsPerSecond };
      let job;
      try {
        job = await openImportJob(deps.prisma, options);
      } catch (error) {
        fs.rmSync(staged, { force: true });
        throw ApiError.invalid([{ path: 'body', message: error instanceof Error ? error.message : String(error) }]);
      }
      runImportJob(deps, job.id, options)
        .catch((error: unknown) => deps.logger.error({ err: error, fileName: query.fileName }, 'import failed'))
        .finally(() => fs.rmSync(staged, { force: true }));
      return { status: 202, body: viewOf(job) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/imports/{id}',
      summary: "An import's progress and its report of bad rows",
      tags: ['imports'],
      access: ['system', 'admin'],
      params: z.object({ id: z.uuid() }),
      responses: { 200: json(ImportJobView, 'The job'), 404: json(ErrorBody, 'No such import') },
    },
    async ({ params, principal }) => {
      const job = await deps.prisma.importJob.findUnique({ where: { id: params.id } });
      if (!job) throw ApiError.notFound(`Import ${params.id}`, 'params.id');
      assertBureau(principal, job.bureauCode);
      return { status: 200, body: viewOf(job) };
    },
  );

  return router;
}

type JobRow = NonNullable<Awaited<ReturnType<PrismaClient['importJob']['findUnique']>>>;

function viewOf(job: JobRow): z.infer<typeof ImportJobView> {
  return {
    id: job.id,
    bureau: job.bureauCode,
    fileName: job.fileName,
    status: job.status as 'running' | 'finished' | 'failed',
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    importedRows: job.importedRows,
    existingRows: job.existingRows,
    badRows: job.badRows,
    problems: job.problems as Array<{ line: number; field: string; reason: string }>,
    lastError: job.lastError,
  };
}
