import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { createUser, issueApiKey } from '../services/access/credentials';
import { newSecret } from '../services/access/secrets';
import { runInspectionNow } from '../services/inspection-runs';
import { setCalendarOverride } from '../services/working-calendar';
import type { Logger } from './logger';

/** The demo's people: one password for all, since the demo holds no real data and listens on this machine. */
export const DEMO_PASSWORD = 'demo-training-only';

interface DemoBureau {
  code: string;
  /** A drug retail licence type of the bureau (5 years), and the department that owns it. */
  licenceType: string;
  department: string;
  numberPrefix: string;
  holders: string[];
}

const BUREAUS: DemoBureau[] = [
  { code: 'weihai', licenceType: 'WH01', department: '市场准入二科', numberPrefix: '鲁威药经演示', holders: ['威海海滨大药房', '威海仁和堂药店', '威海百姓药房', '威海康泰药店', '威海安心大药房', '威海同济药店', '威海济民药房', '威海益生堂药店', '威海长青药房'] },
  { code: 'luliang', licenceType: 'LL02', department: '审批五组', numberPrefix: '晋吕药经演示', holders: ['吕梁汾河大药房', '吕梁康宁药店', '吕梁百草堂药房', '吕梁惠民药店', '吕梁仁济大药房', '吕梁永安药店', '吕梁福康药房', '吕梁德仁堂药店', '吕梁长生药房'] },
];

const MARKER = 'demo-loaded';

/**
 * Fills a fresh demo data folder with sample licences of both bureaus at every stage, fed through
 * the HTTP API as an approval system would, so that staff can be trained on the real pages without
 * touching real data. Once per data folder: a marker file remembers it was done.
 *
 * The owning departments climb a quick ladder (prompt, text and phone task on the day), their
 * bureaus send all day and the day of loading is a working day, so that tasks are there to work at once.
 */
export async function loadDemoData(options: { prisma: PrismaClient; apiUrl: string; dataDir: string; logger: Logger; now: Date }): Promise<boolean> {
  const marker = path.resolve(options.dataDir, MARKER);
  if (existsSync(marker)) return false;
  const { prisma } = options;
  for (const bureau of BUREAUS) {
    const departmentId = `${bureau.code}:${bureau.department}`;
    await prisma.department.update({
      where: { id: departmentId },
      data: {
        ladder: [
          { channel: 'auto_prompt', waitDays: 0 },
          { channel: 'sms', waitDays: 0 },
          { channel: 'phone_call', maxAttempts: 3, retryAfterDays: 2, dueWorkingDays: 3 },
          { channel: 'letter', dueWorkingDays: 5 },
        ],
      },
    });
    await prisma.bureau.update({ where: { code: bureau.code }, data: { sendWindowOpens: '00:00', sendWindowCloses: '24:00' } });
    // Loaded on a weekend or a holiday, the texts and calls would wait for Monday: the day of loading works.
    await setCalendarOverride(prisma, bureau.code, DateTime.fromJSDate(options.now, { zone: 'Asia/Shanghai' }).toISODate()!, { kind: 'working_day', name: '演示：载入演示数据之日按工作日处理' });
    for (const [username, displayName, role] of [
      [`${bureau.code}-specialist`, '演示专员', 'specialist'],
      [`${bureau.code}-supervisor`, '演示督查', 'supervisor'],
    ] as const) {
      if (!(await prisma.user.findUnique({ where: { username } }))) {
        await createUser(prisma, { username, displayName, password: DEMO_PASSWORD, role, bureauCode: bureau.code, departmentId: role === 'specialist' ? departmentId : null });
      }
    }
    const secret = newSecret('lre_');
    await issueApiKey(prisma, { name: 'demo approval system', bureauCode: bureau.code, secret });
    await registerSamples(options.apiUrl, secret, bureau, options.now);
  }
  if (!(await prisma.user.findUnique({ where: { username: 'demo-admin' } }))) {
    await createUser(prisma, { username: 'demo-admin', displayName: '演示管理员', password: DEMO_PASSWORD, role: 'admin' });
  }
  for (const bureau of BUREAUS) await runInspectionNow(prisma, bureau.code, options.now, '演示数据');
  writeFileSync(marker, `${options.now.toISOString()}\n`);
  options.logger.info({ bureaus: BUREAUS.map((bureau) => bureau.code) }, 'demo licences registered');
  return true;
}

/** One licence per stage: waiting, in its window, applied, renewed (new number and same number), expired, lapsed, revoked. */
async function registerSamples(apiUrl: string, apiKey: string, bureau: DemoBureau, now: Date): Promise<void> {
  const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).startOf('day');
  const day = (date: DateTime) => date.toISODate()!;
  const call = async (method: string, route: string, body: unknown) => {
    const response = await fetch(`${apiUrl}${route}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`demo data: ${method} ${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const register = async (index: number, expiresOn: DateTime) =>
    call('POST', '/api/v1/licences', {
      bureau: bureau.code,
      licenceNumber: `${bureau.numberPrefix}${String(index + 1).padStart(3, '0')}`,
      licenceType: bureau.licenceType,
      holder: { name: bureau.holders[index] },
      contact: { name: `联系人${index + 1}`, phone: `1380013${String(8000 + index + (bureau.code === 'weihai' ? 0 : 100)).padStart(4, '0')}` },
      issuedOn: day(expiresOn.minus({ years: 5 }).plus({ days: 1 })),
      expiresOn: day(expiresOn),
    });
  const applied = (id: string, index: number) => call('POST', `/api/v1/licences/${id}/renewal-application`, { applicationNumber: `YS-${bureau.code}-${index + 1}`, appliedOn: day(today) });
  const approved = (id: string, licenceNumber: string) =>
    call('POST', `/api/v1/licences/${id}/renewal-decision`, {
      decision: 'approved',
      decidedOn: day(today),
      newLicence: { licenceNumber, issuedOn: day(today), expiresOn: day(today.plus({ years: 5 }).minus({ days: 1 })) },
    });

  await register(0, today.plus({ years: 2 }));
  await register(1, today.plus({ months: 2 }));
  await register(2, today.plus({ months: 1, days: 10 }));
  await applied((await register(3, today.plus({ months: 2, days: 5 }))).id, 3);
  const renewed = await register(4, today.plus({ months: 1 }));
  await applied(renewed.id, 4);
  await approved(renewed.id, `${bureau.numberPrefix}新${String(5).padStart(3, '0')}`);
  const continued = await register(5, today.plus({ months: 2, days: 20 }));
  await applied(continued.id, 5);
  await approved(continued.id, `${bureau.numberPrefix}${String(6).padStart(3, '0')}`);
  // Registered after expiry: expired now, lapsing once its grace days are over; and one already past them.
  await register(6, today.minus({ days: 10 }));
  await register(8, today.minus({ days: 60 }));
  const revoked = await register(7, today.plus({ years: 1 }));
  await call('POST', `/api/v1/licences/${revoked.id}/revocation`, { reason: '企业申请注销', revokedOn: day(today) });
}
