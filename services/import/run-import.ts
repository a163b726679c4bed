import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Bottleneck from 'bottleneck';
import { Refusal } from '../refusal';
import type { ImportJob, Prisma } from '../../generated/prisma/client';
import { memoizedCatalogueResolver, registerLicence, type RegistrationDependencies } from '../licence-registration';
import { formatOf, readLicenceRows, type ColumnMapping, type ImportRowProblem } from './licence-file';
import { checkWorkbookSize, DEFAULT_WORKBOOK_LIMITS, type WorkbookLimits, type WorkbookShape } from './workbook-limits';

export interface ImportOptions {
  /** The file to read; CSV (UTF-8) or XLSX by its extension. */
  filePath: string;
  /** The name to show for it (an upload's original name); defaults to the file's. */
  fileName?: string;
  bureau: string;
  mapping?: ColumnMapping;
  /** Workflow starts per second, kept below the Temporal server's limits. */
  startsPerSecond?: number;
  /** An XLSX file's limits once unzipped; {@link DEFAULT_WORKBOOK_LIMITS} when unset. */
  workbookLimits?: WorkbookLimits;
  /** Called after every checkpoint. */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  jobId: string;
  processedRows: number;
  importedRows: number;
  existingRows: number;
  badRows: number;
}

export interface ImportSummary extends ImportProgress {
  problems: ImportRowProblem[];
  resumedFromRow: number;
}

export const DEFAULT_STARTS_PER_SECOND = 100;
// Rows done between checkpoints: a crash repeats at most this many (harmlessly: registration is idempotent).
const CHECKPOINT_ROWS = 500;
// The job keeps this many problems for the report; the count covers them all.
const MAX_STORED_PROBLEMS = 10_000;

/** The file's SHA-256: the same file for the same bureau resumes its unfinished job. */
export async function fileDigest(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Rows in the file, for progress: a CSV is counted in one quick pass that parses but registers
 * nothing; a workbook gives its declared extent instead, so that it is parsed once (the import
 * corrects the count when it finishes).
 */
async function countRows(filePath: string, format: ReturnType<typeof formatOf>, workbook: WorkbookShape | undefined): Promise<number> {
  if (workbook) return Math.max(0, (workbook.lastRow ?? 1) - 1);
  let rows = 0;
  for await (const row of readLicenceRows(filePath, { format, bureau: '-' })) {
    if (row.line > 0) rows += 1;
  }
  return rows;
}

/**
 * Imports licences from an e-licence database export: streams the rows, registers the good ones
 * through the same idempotent path as the API (so a re-run creates nothing and starts nothing),
 * reports every bad row with its line, field and reason, and checkpoints its progress so that a
 * crashed import of the same file resumes where it stopped.
 */
export async function importLicences(deps: RegistrationDependencies, options: ImportOptions): Promise<ImportSummary> {
  const job = await openImportJob(deps.prisma, options);
  return runImportJob(deps, job.id, options);
}

/**
 * Finds the unfinished job of this file (same bureau, same SHA-256) to resume, or creates one,
 * and counts the file's rows for progress.
 */
export async function openImportJob(prisma: RegistrationDependencies['prisma'], options: ImportOptions): Promise<ImportJob> {
  const format = formatOf(options.fileName ?? options.filePath);
  // A workbook that would unzip past its limits is refused before anything reads it.
  const workbook = format === 'xlsx' ? await checkWorkbookSize(options.filePath, options.workbookLimits ?? DEFAULT_WORKBOOK_LIMITS) : undefined;
  const digest = await fileDigest(options.filePath);
  const bureau = await prisma.bureau.findUnique({ where: { code: options.bureau } });
  if (!bureau) throw new Error(`unknown bureau "${options.bureau}"`);
  const unfinished = await prisma.importJob.findFirst({
    where: { bureauCode: options.bureau, fileSha256: digest, status: { not: 'finished' } },
    orderBy: { createdAt: 'desc' },
  });
  if (unfinished) return prisma.importJob.update({ where: { id: unfinished.id }, data: { status: 'running', lastError: null } });
  return prisma.importJob.create({
    data: {
      bureauCode: options.bureau,
      fileName: options.fileName ?? path.basename(options.filePath),
      fileSha256: digest,
      status: 'running',
      totalRows: await countRows(options.filePath, format, workbook),
    },
  });
}

/** Runs (or resumes) an import job opened by `openImportJob` over the same file. */
export async function runImportJob(deps: RegistrationDependencies, jobId: string, options: ImportOptions): Promise<ImportSummary> {
  const { prisma } = deps;
  const format = formatOf(options.fileName ?? options.filePath);
  const job = await prisma.importJob.findUniqueOrThrow({ where: { id: jobId } });
  const resumeAfterLine = job.processedRows;
  const progress: ImportProgress = {
    jobId: job.id,
    processedRows: job.processedRows,
    importedRows: job.importedRows,
    existingRows: job.existingRows,
    badRows: job.badRows,
  };
  const problems: ImportRowProblem[] = [...((job.problems as unknown as ImportRowProblem[]) ?? [])];

  const types = await prisma.catalogueEntry.findMany({ where: { bureauCode: options.bureau, retiredAt: null }, select: { code: true, licenceName: true } });
  const knownTypes = new Set(types.flatMap((type) => [type.code, type.licenceName]));
  const limiter = new Bottleneck({ maxConcurrent: 32, minTime: 1000 / (options.startsPerSecond ?? DEFAULT_STARTS_PER_SECOND) });

  const checkpoint = async (lastLine: number, status = 'running', totalRows?: number) => {
    progress.processedRows = lastLine;
    await prisma.importJob.update({
      where: { id: job.id },
      data: {
        status,
        ...(totalRows === undefined ? {} : { totalRows }),
        processedRows: progress.processedRows,
        importedRows: progress.importedRows,
        existingRows: progress.existingRows,
        badRows: progress.badRows,
        problems: problems.slice(0, MAX_STORED_PROBLEMS) as unknown as Prisma.InputJsonArray,
        ...(status === 'finished' ? { finishedAt: new Date() } : {}),
      },
    });
    options.onProgress?.({ ...progress });
  };

  const resolveEntry = memoizedCatalogueResolver(prisma);
  const register = async (line: number, body: Parameters<typeof registerLicence>[1]) => {
    try {
      const { created } = await registerLicence(deps, body, resolveEntry);
      if (created) progress.importedRows += 1;
      else progress.existingRows += 1;
    } catch (error) {
      // The same refusals an API caller gets (409 other details, 422 no expiry) are this row's problems.
      if (!(error instanceof Refusal)) throw error;
      progress.badRows += 1;
      const fields = error.fields.length > 0 ? error.fields : [{ path: '(row)', message: error.message }];
      problems.push(...fields.map((field) => ({ line, field: field.path, reason: field.message })));
    }
  };

  let pending: Array<Promise<void>> = [];
  let sinceCheckpoint = 0;
  let lastLine = resumeAfterLine;
  let rowsInFile = 0;
  try {
    const rows = readLicenceRows(options.filePath, {
      format,
      bureau: options.bureau,
      mapping: options.mapping,
      knownLicenceType: (_bureau, licenceType) => knownTypes.has(licenceType),
    });
    for await (const row of rows) {
      if (row.line > 0) rowsInFile += 1;
      if (row.line <= resumeAfterLine) continue;
      lastLine = row.line;
      if (!row.ok) {
        progress.badRows += 1;
        problems.push(...row.problems);
      } else {
        pending.push(limiter.schedule(() => register(row.line, row.body)));
      }
      if (++sinceCheckpoint >= CHECKPOINT_ROWS) {
        await Promise.all(pending);
        pending = [];
        sinceCheckpoint = 0;
        await checkpoint(lastLine);
      }
    }
    await Promise.all(pending);
    await checkpoint(lastLine, 'finished', rowsInFile);
  } catch (error) {
    await Promise.allSettled(pending);
    await prisma.importJob.update({
      where: { id: job.id },
      data: { status: 'failed', lastError: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  } finally {
    await limiter.stop({ dropWaitingJobs: false }).catch(() => undefined);
  }
  return { ...progress, problems, resumedFromRow: resumeAfterLine };
}
