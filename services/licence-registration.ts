import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { licenceWorkflowId, localDateOf, reminderWindowOpensAt, validityWarning, type LicenceStage, type ValidityRule } from '../domain';
import { Refusal, type FieldProblem } from './refusal';
import type { RegisterLicenceBody, RegistrationResult } from './licence-input';
import { keptLookups } from '../runtime/kept-lookups';
import { utcTimestamp } from '../runtime/sql';
import { WriteBatcher } from '../runtime/write-batcher';
import { licenceWorkflow } from '../workflows';
import type { LicenceWorkflowInput } from '../workflows/licence-definitions';
import {
  LICENCE_BUREAU,
  LICENCE_DEPARTMENT,
  LICENCE_EXPIRES_ON,
  LICENCE_STAGE,
  LICENCE_TYPE,
} from '../workflows/search-attributes';

/** What registration needs: the read model, Temporal, and the worker's task queue. */
export interface RegistrationDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
}

/** A registration's answer and whether it created the licence. */
export interface RegistrationOutcome {
  created: boolean;
  result: RegistrationResult;
}

const licenceInclude = { bureau: true, catalogueEntry: { include: { department: true } } } as const;
type LicenceRow = Prisma.LicenceGetPayload<{ include: typeof licenceInclude }>;

/**
 * Registers an issued licence and starts its workflow, idempotently on (bureau, licence number):
 * the same licence again returns the existing registration and starts nothing. The row is written
 * before the workflow starts; a repeat after a crash between the two starts the missing workflow.
 *
 * @throws Refusal (invalid) naming an unknown bureau or licence type, (conflict) when the licence is already
 *   registered with different details, (unprocessable) when its type has no expiry (有效期 `无`).
 */
export async function registerLicence(
  deps: RegistrationDependencies,
  body: RegisterLicenceBody,
  resolveEntry: CatalogueEntryResolver = (bureau, type) => resolveCatalogueEntry(deps.prisma, bureau, type),
): Promise<RegistrationOutcome> {
  const entry = await resolveEntry(body.bureau, body.licenceType);
  const parent = body.parentLicenceNumber ? await findLicence(deps.prisma, body.bureau, body.parentLicenceNumber) : null;
  if (body.parentLicenceNumber && !parent) {
    throw Refusal.invalid([
      { path: 'parentLicenceNumber', message: `no licence ${body.parentLicenceNumber} is registered in ${body.bureau}; register the parent first` },
    ]);
  }
  const opensAt = reminderWindowOpensAt(body.expiresOn, entry.reminderLeadMonths, entry.bureau.timeZone);
  const licence: NewLicence = {
    id: randomUUID(),
    bureauCode: body.bureau,
    licenceNumber: body.licenceNumber,
    catalogueEntryId: entry.id,
    holderName: body.holder.name,
    holderIdNumber: body.holder.idNumber ?? null,
    parentLicenceId: parent?.id ?? null,
    contactName: body.contact.name,
    contactPhone: body.contact.phone,
    contactAddress: body.contact.address ?? null,
    issuedOn: dateColumn(body.issuedOn),
    expiresOn: dateColumn(body.expiresOn),
    workflowId: licenceWorkflowId(body.bureau, body.licenceNumber),
    stage: 'awaiting_window' satisfies LicenceStage,
    reminderWindowOpensAt: opensAt.toJSDate(),
    validityWarning: registrationWarning(entry.validityRule as ValidityRule | null, body, parent ? calendarDateOf(parent.expiresOn) : undefined) ?? null,
  };
  // Insert first, skipping a duplicate: a new licence costs one statement, and a repeat (or the
  // loser of two racing registrations) finds the row already there and answers as a repeat.
  if (!(await insertUnlessRegistered(deps.prisma, licence))) {
    const existing = await findLicence(deps.prisma, body.bureau, body.licenceNumber);
    if (!existing) throw new Error(`licence ${body.bureau}/${body.licenceNumber} was neither inserted nor found`);
    return { created: false, result: await confirmExisting(deps, existing, body) };
  }
  const row: RegisteredLicence = { ...licence, bureau: entry.bureau, catalogueEntry: entry };
  await ensureWorkflow(deps, row);
  return { created: true, result: toResult(row) };
}

/** The columns a registration writes; the database sets the rest. */
type NewLicence = Pick<
  LicenceRow,
  | 'id'
  | 'bureauCode'
  | 'licenceNumber'
  | 'catalogueEntryId'
  | 'holderName'
  | 'holderIdNumber'
  | 'parentLicenceId'
  | 'contactName'
  | 'contactPhone'
  | 'contactAddress'
  | 'issuedOn'
  | 'expiresOn'
  | 'workflowId'
  | 'stage'
  | 'reminderWindowOpensAt'
  | 'validityWarning'
>;

/** What starting the workflow and answering need of a licence, new or found. */
type RegisteredLicence = NewLicence & Pick<LicenceRow, 'bureau' | 'catalogueEntry'>;

/**
 * Inserts the licence and its first term unless its (bureau, licence number) is registered; true
 * when this call inserted it. One SQL statement rather than `createManyAndReturn({ skipDuplicates })`:
 * Prisma caches the compiled plan of every query but the createMany kinds, so that call ran the
 * query compiler on every registration, the largest single cost of the API's CPU under load.
 */
async function insertUnlessRegistered(prisma: PrismaClient, licence: NewLicence): Promise<boolean> {
  const now = new Date();
  const inserted = await prisma.$executeRaw`
    WITH licence AS (
    INSERT INTO "Licence" (
      "id", "bureauCode", "licenceNumber", "catalogueEntryId", "holderName", "holderIdNumber", "parentLicenceId",
      "contactName", "contactPhone", "contactAddress", "issuedOn", "expiresOn", "workflowId", "stage",
      "reminderWindowOpensAt", "validityWarning", "createdAt", "updatedAt"
    ) VALUES (
      ${licence.id}, ${licence.bureauCode}, ${licence.licenceNumber}, ${licence.catalogueEntryId}, ${licence.holderName},
      ${licence.holderIdNumber}, ${licence.parentLicenceId}, ${licence.contactName}, ${licence.contactPhone}, ${licence.contactAddress},
      ${calendarDateOf(licence.issuedOn)}::date, ${calendarDateOf(licence.expiresOn)}::date, ${licence.workflowId}, ${licence.stage},
      ${utcTimestamp(licence.reminderWindowOpensAt)}, ${licence.validityWarning}, ${utcTimestamp(now)}, ${utcTimestamp(now)}
    )
    ON CONFLICT ("bureauCode", "licenceNumber") DO NOTHING
    RETURNING "id", "issuedOn", "expiresOn"
    )
    INSERT INTO "LicenceTerm" ("licenceId", "term", "issuedOn", "expiresOn", "createdAt")
    SELECT "id", 1, "issuedOn", "expiresOn", ${utcTimestamp(now)} FROM licence`;
  return inserted === 1;
}

const catalogueEntryInclude = { bureau: true, department: true } as const;
type CatalogueEntryRow = Prisma.CatalogueEntryGetPayload<{ include: typeof catalogueEntryInclude }>;

/** Finds the catalogue entry a registration names, or throws the Refusal that explains why not. */
export type CatalogueEntryResolver = (bureauCode: string, licenceType: string) => Promise<CatalogueEntryRow>;

/**
 * A resolver that looks each (bureau, licence type) up once: for a bulk import, whose rows name a
 * few dozen types many thousands of times. Refusals are remembered too.
 */
export function memoizedCatalogueResolver(prisma: PrismaClient): CatalogueEntryResolver {
  const known = new Map<string, Promise<CatalogueEntryRow>>();
  return (bureauCode, licenceType) => {
    const key = `${bureauCode}\u0000${licenceType}`;
    let entry = known.get(key);
    if (!entry) {
      entry = resolveCatalogueEntry(prisma, bureauCode, licenceType);
      known.set(key, entry);
    }
    return entry;
  };
}

/** The catalogue entries that registrations name, kept between requests. */
export interface CatalogueEntryCache {
  resolve: CatalogueEntryResolver;
  /** Forgets every kept entry: call it when the catalogue changes. */
  forget(): void;
}

/**
 * A resolver for the API that keeps each entry for `ttlSeconds` (0 keeps none): a burst of
 * registrations of one licence type then reads its entry once. Refusals are never kept. A change
 * to the catalogue through this process reaches registrations here at once (see `forget`); through
 * another process, within `ttlSeconds`.
 */
export function cachedCatalogueResolver(prisma: PrismaClient, ttlSeconds: number): CatalogueEntryCache {
  const entries = keptLookups({
    keyOf: ({ bureauCode, licenceType }: { bureauCode: string; licenceType: string }) => `${bureauCode}\u0000${licenceType}`,
    lookup: ({ bureauCode, licenceType }) => resolveCatalogueEntry(prisma, bureauCode, licenceType),
    ttlSeconds,
  });
  return {
    resolve: async (bureauCode, licenceType) => (await entries.get({ bureauCode, licenceType }))!,
    forget: () => entries.forget(),
  };
}

async function resolveCatalogueEntry(prisma: PrismaClient, bureauCode: string, licenceType: string): Promise<CatalogueEntryRow> {
  const candidates = await prisma.catalogueEntry.findMany({
    where: { bureauCode, retiredAt: null, OR: [{ code: licenceType }, { licenceName: licenceType }] },
    include: catalogueEntryInclude,
  });
  if (candidates.length === 0) {
    if (!(await prisma.bureau.findUnique({ where: { code: bureauCode } }))) {
      const known = (await prisma.bureau.findMany({ select: { code: true }, orderBy: { code: 'asc' } })).map((b) => b.code);
      throw Refusal.invalid([
        { path: 'bureau', message: `unknown bureau "${bureauCode}"; known bureaus: ${known.join(', ')}` },
        { path: 'licenceType', message: 'cannot be checked until bureau is known' },
      ]);
    }
    throw Refusal.invalid([
      {
        path: 'licenceType',
        message: `"${licenceType}" is not in ${bureauCode}'s catalogue; use a licence name (证照名称) or code from GET /api/v1/catalogue?bureau=${bureauCode}`,
      },
    ]);
  }
  if (candidates.length > 1) {
    throw Refusal.invalid([
      {
        path: 'licenceType',
        message: `"${licenceType}" names several catalogue entries (${candidates.map((c) => c.code).join(', ')}); send the code instead`,
      },
    ]);
  }
  const entry = candidates[0]!;
  if (!entry.remindersEnabled) {
    throw new Refusal('unprocessable', 'no_expiry', `${entry.licenceName} has no validity period (有效期 ${entry.validityText}); it gets no reminders`, [
      { path: 'licenceType', message: 'this licence type does not expire, so it is not registered for reminders' },
    ]);
  }
  return entry;
}

/** What the department should check about an accepted registration, if anything. */
function registrationWarning(rule: ValidityRule | null, body: RegisterLicenceBody, parentExpiresOn: string | undefined): string | undefined {
  if (!rule) return undefined;
  if (rule.kind === 'follows_parent') {
    if (!body.parentLicenceNumber) return 'its term follows a parent licence: name it with parentLicenceNumber so that renewals and revocations reach this licence';
    if (parentExpiresOn && parentExpiresOn !== body.expiresOn) {
      return `expiresOn ${body.expiresOn} differs from parent licence ${body.parentLicenceNumber} (${parentExpiresOn}), which its term follows`;
    }
    return undefined;
  }
  return validityWarning(rule, body.issuedOn, body.expiresOn);
}

function findLicence(prisma: PrismaClient, bureauCode: string, licenceNumber: string): Promise<LicenceRow | null> {
  return prisma.licence.findUnique({
    where: { bureauCode_licenceNumber: { bureauCode, licenceNumber } },
    include: licenceInclude,
  });
}

async function confirmExisting(deps: RegistrationDependencies, row: LicenceRow, body: RegisterLicenceBody): Promise<RegistrationResult> {
  const differences = registeredDifferences(row, body);
  if (differences.length > 0) {
    throw new Refusal('conflict',
      'licence_already_registered',
      `Licence ${body.licenceNumber} is already registered with other details; correct it with PATCH /api/v1/licences/${row.id}`,
      differences,
    );
  }
  // Temporal accepted this licence's workflow before: a repeat costs no call to the server.
  if (!row.workflowStartedAt) await ensureWorkflow(deps, row);
  return toResult(row);
}

function registeredDifferences(row: LicenceRow, body: RegisterLicenceBody): FieldProblem[] {
  const registered: Record<string, string | null> = {
    licenceType: row.catalogueEntry.code,
    'holder.name': row.holderName,
    'holder.idNumber': row.holderIdNumber,
    'contact.name': row.contactName,
    'contact.phone': row.contactPhone,
    'contact.address': row.contactAddress,
    issuedOn: calendarDateOf(row.issuedOn),
    expiresOn: calendarDateOf(row.expiresOn),
  };
  const sent: Record<string, string | null> = {
    licenceType: [row.catalogueEntry.code, row.catalogueEntry.licenceName].includes(body.licenceType)
      ? row.catalogueEntry.code
      : body.licenceType,
    'holder.name': body.holder.name,
    'holder.idNumber': body.holder.idNumber ?? null,
    'contact.name': body.contact.name,
    'contact.phone': body.contact.phone,
    'contact.address': body.contact.address ?? null,
    issuedOn: body.issuedOn,
    expiresOn: body.expiresOn,
  };
  return Object.keys(registered)
    .filter((path) => registered[path] !== sent[path])
    .map((path) => ({ path, message: 'differs from the registered licence' }));
}

/**
 * Starts the licence's workflow unless it exists: a running one is kept as is, and a closed one
 * is not started again. Then marks the row, so that only a row written before a crash (whose
 * workflow may never have started) asks Temporal again.
 */
async function ensureWorkflow(deps: RegistrationDependencies, row: RegisteredLicence): Promise<void> {
  const entry = row.catalogueEntry;
  const input: LicenceWorkflowInput = {
    licenceId: row.id,
    bureau: row.bureauCode,
    licenceNumber: row.licenceNumber,
    licenceType: entry.code,
    department: entry.department.name,
    expiresOn: calendarDateOf(row.expiresOn),
    reminderLeadMonths: entry.reminderLeadMonths,
    timeZone: row.bureau.timeZone,
  };
  try {
    await deps.temporal.workflow.start(licenceWorkflow, licenceWorkflowStartOptions(input, row.workflowId, deps.taskQueue));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await startedMarks(deps.prisma).add(row.id);
}

/**
 * How a licence's workflow is started: its id, queue, conflict policies and the search attributes
 * that supervisors filter on. The registration benchmark starts bare workflows with the same options.
 */
export function licenceWorkflowStartOptions(input: LicenceWorkflowInput, workflowId: string, taskQueue: string) {
  return {
    workflowId,
    taskQueue,
    args: [input] as [LicenceWorkflowInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: LICENCE_BUREAU, value: input.bureau },
      { key: LICENCE_DEPARTMENT, value: input.department },
      { key: LICENCE_TYPE, value: input.licenceType },
      { key: LICENCE_EXPIRES_ON, value: dateColumn(input.expiresOn) },
      { key: LICENCE_STAGE, value: 'awaiting_window' },
    ],
  } satisfies WorkflowStartOptions<typeof licenceWorkflow>;
}

const startedMarkWriters = new WeakMap<PrismaClient, WriteBatcher<string>>();

/** Marks licences whose workflow Temporal accepted, many registrations to one UPDATE. */
function startedMarks(prisma: PrismaClient): WriteBatcher<string> {
  let writer = startedMarkWriters.get(prisma);
  if (!writer) {
    writer = new WriteBatcher((ids) =>
      prisma.licence.updateMany({ where: { id: { in: ids }, workflowStartedAt: null }, data: { workflowStartedAt: new Date() } }),
    );
    startedMarkWriters.set(prisma, writer);
  }
  return writer;
}

function toResult(row: RegisteredLicence): RegistrationResult {
  return {
    id: row.id,
    workflowId: row.workflowId,
    stage: row.stage as LicenceStage,
    reminderWindowOpensOn: localDateOf(row.reminderWindowOpensAt, row.bureau.timeZone),
    ...(row.validityWarning ? { warnings: [row.validityWarning] } : {}),
  };
}

/** `@db.Date` columns hold a calendar day; Prisma carries it as midnight UTC. */
export function dateColumn(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function calendarDateOf(column: Date): string {
  return column.toISOString().slice(0, 10);
}
