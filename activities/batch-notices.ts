import { localDateOf, maskHolderName } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { valuesOfLicence } from '../services/message-templates';
import { calendarDateOf } from '../services/licence-registration';
import { activityNow } from './clock';
import { postSigned, type IntegrationEndpoints } from './dependencies';

/** One licence in a batch notice: nothing that identifies a person beyond a masked name. */
export interface BatchNoticeEntry {
  licence: string;
  holder: string;
  expiresOn: string;
  deadline: string;
}

/** The idempotency key of a bureau's notice for one local day. */
const batchNoticeKey = (bureauCode: string, issuedOn: string) => `batch-notice/${bureauCode}/${issuedOn}`;

/**
 * 集中提醒: lists a bureau's licences whose reminder window is open and whose type the bureau
 * publishes in batch, holders masked, soonest expiry first. One notice per bureau and local day:
 * a repeated run returns the notice already compiled.
 * @param input.issuedAt the instant the notice speaks for (the schedule's firing), epoch ms.
 * @returns the notice's id and how many licences it lists.
 */
export async function compileBatchNotice(prisma: PrismaClient, input: { bureauCode: string; issuedAt: number }): Promise<{ noticeId: string; entries: number }> {
  const bureau = await prisma.bureau.findUniqueOrThrow({ where: { code: input.bureauCode } });
  const issuedOn = localDateOf(new Date(input.issuedAt), bureau.timeZone);
  const idempotencyKey = batchNoticeKey(bureau.code, issuedOn);
  const existing = await prisma.batchNotice.findUnique({ where: { idempotencyKey } });
  if (existing) return { noticeId: existing.id, entries: (existing.entries as unknown[]).length };
  const licences = await prisma.licence.findMany({
    where: { bureauCode: bureau.code, stage: 'window_open', catalogueEntry: { batchNotices: true, remindersEnabled: true, retiredAt: null } },
    include: { bureau: true, catalogueEntry: true },
    orderBy: [{ expiresOn: 'asc' }, { licenceNumber: 'asc' }],
  });
  const entries: BatchNoticeEntry[] = licences.map((licence) => ({
    licence: licence.catalogueEntry.licenceName,
    holder: maskHolderName(licence.holderName),
    expiresOn: calendarDateOf(licence.expiresOn),
    deadline: valuesOfLicence(licence).deadline,
  }));
  const notice = await prisma.batchNotice.upsert({
    where: { idempotencyKey },
    create: {
      idempotencyKey,
      bureauCode: bureau.code,
      issuedOn: new Date(`${issuedOn}T00:00:00Z`),
      title: `${bureau.name}证照到期温馨提示（${issuedOn}）`,
      entries: entries as object[],
      compiledAt: activityNow(),
    },
    update: {},
  });
  return { noticeId: notice.id, entries: (notice.entries as unknown[]).length };
}

/**
 * Publishes a notice to the service portal / WeChat official account's webhook, signed as the
 * auto prompts are (`X-Timestamp`, `X-Signature: sha256=<hex>`) with its key as the idempotency
 * key. A failure throws so that Temporal retries it; the receipt is written once.
 */
export async function publishBatchNotice(prisma: PrismaClient, endpoints: IntegrationEndpoints, input: { noticeId: string }): Promise<{ receipt: string | null }> {
  const notice = await prisma.batchNotice.findUniqueOrThrow({ where: { id: input.noticeId }, include: { bureau: true } });
  if (notice.deliveredAt) return { receipt: notice.receipt };
  await prisma.batchNotice.update({ where: { id: notice.id }, data: { attempts: { increment: 1 } } });
  const body = JSON.stringify({
    bureau: notice.bureauCode,
    bureauName: notice.bureau.name,
    title: notice.title,
    issuedOn: calendarDateOf(notice.issuedOn),
    entries: notice.entries,
  });
  let answer: unknown;
  try {
    ({ json: answer } = await postSigned(endpoints.batchNoticeUrl, body, { secret: endpoints.autoPromptSigningSecret, idempotencyKey: notice.idempotencyKey }));
  } catch (error) {
    await prisma.batchNotice.update({ where: { id: notice.id }, data: { lastError: String(error).slice(0, 500) } });
    throw error;
  }
  const receipt = (answer as { receiptId?: unknown } | undefined)?.receiptId;
  const published = await prisma.batchNotice.update({
    where: { id: notice.id },
    data: { deliveredAt: activityNow(), receipt: typeof receipt === 'string' ? receipt : null, lastError: null },
  });
  return { receipt: published.receipt };
}
