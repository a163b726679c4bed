import RSS from 'rss';
import type { BatchNoticeEntry } from '../activities/batch-notices';
import type { PrismaClient } from '../generated/prisma/client';
import { calendarDateOf } from './licence-registration';

/** A published batch notice as the public sees it. */
export interface PublishedNotice {
  id: string;
  title: string;
  issuedOn: string;
  publishedAt: string;
  entries: BatchNoticeEntry[];
}

/** The public path of a bureau's batch notices page, and of its feed. */
export const noticePagePath = (bureauCode: string) => `/notices/${encodeURIComponent(bureauCode)}`;
export const noticeFeedPath = (bureauCode: string) => `/api/v1/bureaus/${encodeURIComponent(bureauCode)}/batch-notices/feed.xml`;

/** A bureau's notices that the portal accepted, newest first. Unpublished ones are not public yet. */
export async function publishedNotices(prisma: PrismaClient, bureauCode: string, limit: number): Promise<PublishedNotice[]> {
  const notices = await prisma.batchNotice.findMany({
    where: { bureauCode, deliveredAt: { not: null } },
    orderBy: { issuedOn: 'desc' },
    take: limit,
  });
  return notices.map((notice) => ({
    id: notice.id,
    title: notice.title,
    issuedOn: calendarDateOf(notice.issuedOn),
    publishedAt: notice.deliveredAt!.toISOString(),
    entries: notice.entries as unknown as BatchNoticeEntry[],
  }));
}

/** The plain-text lines of a notice, one licence each, as a feed item or a WeChat article shows them. */
function noticeLines(notice: PublishedNotice): string[] {
  return notice.entries.map((entry) => `${entry.holder}：${entry.licence}，${entry.expiresOn}到期，申请换证时限：${entry.deadline}`);
}

/**
 * The RSS 2.0 feed of a bureau's notices, for the portal, WeChat tooling and feed readers.
 * @param siteUrl the public origin the links are made from, e.g. `https://zwfw.example.gov.cn`.
 */
export function noticeFeed(bureau: { code: string; name: string }, notices: PublishedNotice[], siteUrl: string): string {
  const feed = new RSS({
    title: `${bureau.name}证照到期集中提醒`,
    description: '即将到期的证照温馨提示，请持证人及时办理换证、延续手续',
    feed_url: `${siteUrl}${noticeFeedPath(bureau.code)}`,
    site_url: `${siteUrl}${noticePagePath(bureau.code)}`,
    language: 'zh-cn',
    ttl: 60,
  });
  for (const notice of notices) {
    const escaped = noticeLines(notice).map((line) => line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    feed.item({
      title: notice.title,
      description: `<p>以下证照即将到期，请持证人及时办理换证、延续手续：</p><ul>${escaped.map((line) => `<li>${line}</li>`).join('')}</ul>`,
      url: `${siteUrl}${noticePagePath(bureau.code)}#${notice.issuedOn}`,
      guid: notice.id,
      date: notice.publishedAt,
    });
  }
  return feed.xml({ indent: true });
}
