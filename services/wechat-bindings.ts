import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import type { WechatClient } from '../activities/wechat/client';
import { calendarDateOf } from './licence-registration';
import { Refusal } from './refusal';

/** The path of a binding link; the code alone names the licence. */
export const wechatBindingPath = (code: string) => `/wechat/bind/${code}`;
/** Where WeChat's web authorisation sends the holder back. */
export const WECHAT_BOUND_PATH = '/wechat/bound';

/** The licence's binding-link code, made once and kept, so that every letter and prompt of the licence carries the same link. */
export async function wechatBindingCode(prisma: PrismaClient, licenceId: string): Promise<string> {
  // One statement (INSERT … ON CONFLICT): prompts and letters of a storm ask it once each, concurrently.
  const link = await prisma.wechatBindingLink.upsert({ where: { licenceId }, create: { code: randomBytes(16).toString('base64url'), licenceId }, update: {} });
  return link.code;
}

/** The licence's binding link, on the public site. */
export async function wechatBindingUrl(prisma: PrismaClient, publicUrl: string, licenceId: string): Promise<string> {
  return `${publicUrl.replace(/\/+$/, '')}${wechatBindingPath(await wechatBindingCode(prisma, licenceId))}`;
}

const BINDING_CODE = /^[A-Za-z0-9_-]{22}$/;

/** What the binding pages show of a licence: enough for the holder to know it, nothing more. */
export interface BindingLicence {
  licenceId: string;
  licenceName: string;
  licenceNumber: string;
  expiresOn: string;
  bureauName: string;
}

/** The licence a binding-link code names. @throws Refusal not_found for any other code. */
export async function licenceOfBindingCode(prisma: PrismaClient, code: string): Promise<BindingLicence> {
  const link = BINDING_CODE.test(code)
    ? await prisma.wechatBindingLink.findUnique({ where: { code }, include: { licence: { include: { bureau: true, catalogueEntry: true } } } })
    : null;
  if (!link) throw Refusal.notFound('the binding link', 'params.code');
  const { licence } = link;
  return {
    licenceId: licence.id,
    licenceName: licence.catalogueEntry.licenceName,
    licenceNumber: licence.licenceNumber,
    expiresOn: calendarDateOf(licence.expiresOn),
    bureauName: licence.bureau.name,
  };
}

/**
 * Binds the WeChat that WeChat's authorisation named to the licence of the link the holder
 * opened (`state` carries the link's code). Binding again replaces the account and clears an
 * earlier refusal: the holder has just shown that this WeChat reaches them.
 */
export async function bindWechat(prisma: PrismaClient, wechat: WechatClient, answer: { code: string; state: string }, now: Date): Promise<BindingLicence> {
  const licence = await licenceOfBindingCode(prisma, answer.state);
  const openId = await wechat.openIdForCode(answer.code);
  await prisma.wechatBinding.upsert({
    where: { licenceId: licence.licenceId },
    create: { licenceId: licence.licenceId, openId, boundAt: now },
    update: { openId, boundAt: now, refusedAt: null, refusalCode: null },
  });
  return licence;
}
