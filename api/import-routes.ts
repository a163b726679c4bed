import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { openImportJob, runImportJob } from '../services/import/run-import';
import type { WorkbookLimits } from '../services/import/workbook-limits';
import { assertBureau } from './access';
import { bureauOr404 } from './bureaus';
import { ApiError, asApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, text } from './schemas';

export interface ImportRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** The largest upload accepted; {@link DEFAULT_IMPORT_MAX_BYTES} when unset. */
  importMaxBytes?: number;
  /** An XLSX upload's limits once unzipped; the import's defaults when unset. */
  workbookLimits?: WorkbookLimits;
}

/** 100,000 licences of an e-licence export take about 20 MB as CSV: room for several times that. */
export const DEFAULT_IMPORT_MAX_BYTES = 100 * 1024 * 1024;

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
  // Spelled out rather than with the i flag, which a JSON Schema pattern cannot carry.
  fileName: text(200).regex(/\.([cC][sS][vV]|[xX][lL][sS][xX])$/, 'must end in .csv or .xlsx').openapi({ example: '电子证照导出.csv' }),
  startsPerSecond: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Bulk import from the e-licence database's exports: upload a file, watch its job. */
export function importRoutes(registry: OpenAPIRegistry, deps: ImportRoutesDependencies): Router {
  const router = Router();
  const uploads = path.join(os.tmpdir(), 'licence-imports');

  const maxBytes = deps.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
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
      responses: {
        202: json(ImportJobView, 'The import started'),
        400: json(ErrorBody, 'No file, or a bad query'),
        404: json(ErrorBody, 'No such bureau'),
        413: json(ErrorBody, 'The file is larger than the configured limit'),
        415: json(ErrorBody, 'The body is not a CSV or XLSX file'),
      },
    },
    async ({ query, raw, principal }) => {
      // Nothing of the body is read before here: the caller, its role and its bureau are known.
      assertBureau(principal, query.bureau);
      if (!raw.is(UPLOAD_TYPES)) {
        throw new ApiError(415, 'unsupported_media_type', `Send the file as the body, with content-type ${UPLOAD_TYPES.slice(0, 2).join(' or ')}.`, [
          { path: 'content-type', message: `must be one of ${UPLOAD_TYPES.join(', ')}` },
        ]);
      }
      await bureauOr404(deps.prisma, query.bureau, 'query.bureau');
      fs.mkdirSync(uploads, { recursive: true });
      const staged = path.join(uploads, `${Date.now()}-${process.pid}-${randomUUID()}${path.extname(query.fileName).toLowerCase()}`);
      const received = await receiveUpload(raw, staged, maxBytes);
      if (received === 0) {
        fs.rmSync(staged, { force: true });
        throw ApiError.invalid([{ path: 'body', message: `send the file as the body, with content-type ${UPLOAD_TYPES.slice(0, 2).join(' or ')}` }]);
      }
      const options = { filePath: staged, fileName: query.fileName, bureau: query.bureau, startsPerSecond: query.startsPerSecond, workbookLimits: deps.workbookLimits };
      let job;
      try {
        job = await openImportJob(deps.prisma, options);
      } catch (error) {
        fs.rmSync(staged, { force: true });
        throw asApiError(error) ?? ApiError.invalid([{ path: 'body', message: error instanceof Error ? error.message : String(error) }]);
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

/**
 * Streams the request body into a file, never more than `maxBytes` of it: a body declared or found
 * larger is refused with 413 and the file removed.
 * @returns the bytes written.
 */
async function receiveUpload(req: Request, file: string, maxBytes: number): Promise<number> {
  const tooLarge = () =>
    new ApiError(413, 'upload_too_large', `The file is larger than this engine accepts (${maxBytes} bytes, IMPORT_MAX_BYTES): split it, or raise the limit.`, [
      { path: 'body', message: `must be at most ${maxBytes} bytes` },
    ]);
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > maxBytes ? tooLarge() : null, chunk);
    },
  });
  // The request is piped, not handed to the pipeline: refusing the file must leave the socket open
  // for the 413, while the rest of the body is read and dropped.
  const written = pipeline(counter, fs.createWriteStream(file, { mode: 0o600 }));
  req.on('error', (error) => counter.destroy(error));
  req.on('close', () => {
    if (!req.complete) counter.destroy(new Error('the connection closed before the end of the file'));
  });
  req.pipe(counter);
  try {
    await written;
  } catch (error) {
    req.unpipe(counter);
    req.resume();
    fs.rmSync(file, { force: true });
    throw error instanceof ApiError ? error : ApiError.invalid([{ path: 'body', message: `the upload broke off: ${(error as Error).message}` }]);
  }
  return bytes;
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
