import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { ensureBatchNoticeSchedules, publishBatchNoticeNow } from '../services/batch-notice-schedules';
import { noticeFeed, publishedNotices } from '../services/batch-notices';
import { assertBureau } from './access';
import { bureauOr404 } from './bureaus';
import { json } from './openapi-helpers';
import { CronSchema, setBureauCron } from './cron';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';
import type { Clock } from '../services/clock';

export interface BatchNoticeRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Which day a notice published now is of. */
  clock: Clock;
  /** Where the public reaches this engine; the feed's links start with it, never with the request's Host. */
  publicUrl?: string;
}

const BureauParams = z.object({ bureau: z.string().min(1).openapi({ example: 'weihai' }) });
const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(52).default(10).describe('how many notices, newest first') });
const NoticeView = z
  .object({
    id: z.string(),
    title: z.string(),
    issuedOn: z.string(),
    publishedAt: z.string(),
    entries: z.array(
      z.object({
        licence: z.string().describe('证照名称'),
        holder: z.string().describe("持证人, a person's name masked"),
        expiresOn: z.string(),
        deadline: z.string().describe('申请换证时限'),
      }),
    ),
  })
  .openapi('BatchNotice');
const NoticeList = z.object({ bureau: z.string(), bureauName: z.string(), notices: z.array(NoticeView) }).openapi('BatchNotices');
const PublishStarted = z
  .object({ workflowId: z.string().describe('the Temporal workflow publishing it'), notices: z.string().describe('where it appears once the portal accepted it') })
  .openapi('BatchNoticePublishing');
const ScheduleBody = z.strictObject({ cron: CronSchema.describe("when the notice is published, in the bureau's time zone") }).openapi('BatchNoticeSchedule');

/** 集中提醒: the bureaus' batch notices, public as JSON and RSS, published by schedule or on demand. */
/** The feed's links when no public URL is configured: this machine, as `npm start` serves it. */
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

export function batchNoticeRoutes(registry: OpenAPIRegistry, deps: BatchNoticeRoutesDependencies): Router {
  const router = Router();

  const bureauOf = (code: string) => bureauOr404(deps.prisma, code, 'params.bureau');

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/bureaus/{bureau}/batch-notices',
      access: 'public',
      summary: "A bureau's published batch notices (集中提醒), newest first; holders who are people are masked",
      tags: ['batch notices'],
      params: BureauParams,
      query: ListQuery,
      responses: { 200: json(NoticeList, 'The notices'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, query }) => {
      const bureau = await bureauOf(params.bureau);
      return { status: 200, body: { bureau: bureau.code, bureauName: bureau.name, notices: await publishedNotices(deps.prisma, bureau.code, query.limit) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/bureaus/{bureau}/batch-notices/feed.xml',
      access: 'public',
      summary: "A bureau's batch notices as an RSS 2.0 feed, for the portal, WeChat tooling and feed readers",
      tags: ['batch notices'],
      params: BureauParams,
      responses: {
        200: { description: 'The feed', content: { 'application/rss+xml': { schema: { type: 'string' } } } },
        404: json(ErrorBody, 'No such bureau'),
      },
    },
    async ({ params }) => {
      const bureau = await bureauOf(params.bureau);
      const siteUrl = (deps.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '');
      return { status: 200, file: noticeFeed(bureau, await publishedNotices(deps.prisma, bureau.code, 20), siteUrl), contentType: 'application/rss+xml; charset=utf-8' };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/bureaus/{bureau}/batch-notices',
      access: ['supervisor', 'admin'],
      summary: "Publishes today's batch notice now, without waiting for the schedule",
      description:
        'Answers at once: the notice is compiled and posted to the portal in the background, retried while the portal is down, and listed once it was accepted. ' +
        'A notice is compiled and published once per bureau and day, however often this is called.',
      tags: ['batch notices'],
      params: BureauParams,
      responses: { 202: json(PublishStarted, 'Publishing has started'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, principal }) => {
      assertBureau(principal, params.bureau);
      const bureau = await bureauOf(params.bureau);
      const workflowId = await publishBatchNoticeNow(deps, bureau, await deps.clock());
      return { status: 202, body: { workflowId, notices: `/api/v1/bureaus/${encodeURIComponent(bureau.code)}/batch-notices` } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/batch-notices/schedule',
      access: ['supervisor', 'admin'],
      summary: "Sets when the bureau's batch notice is published (weekly, Mondays 09:00, by default)",
      tags: ['batch notices'],
      params: BureauParams,
      body: ScheduleBody,
      responses: { 200: json(ScheduleBody, 'The schedule now in force'), 400: json(ErrorBody, 'Not a cron expression'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      const bureau = await bureauOf(params.bureau);
      await setBureauCron(deps.prisma, bureau, 'batchNoticeCron', body.cron, () => ensureBatchNoticeSchedules(deps, [bureau.code]));
      return { status: 200, body: { cron: body.cron } };
    },
  );

  return router;
}
