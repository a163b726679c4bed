/**
 * Reminder wording (提醒内容, seeds 四.1): a template per channel, set by a bureau for all its
 * licence types or for one. Templates name their values `${name}`; every value always has real
 * text, so that a message never reaches a holder with a gap or a placeholder in it.
 */

export const MESSAGE_CHANNELS = ['sms', 'auto_prompt', 'letter'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** The values a template may use, with what each means to the bureau's staff. */
export const MESSAGE_VALUES = {
  holder: '持证人名称',
  licence: '证照名称',
  number: '证照编号',
  expires: '有效期届满日期',
  deadline: '申请换证时限',
  office: '办理地点',
  phone: '服务电话',
  materials: '提交材料清单',
  booking: '预约办理方式',
  bureau: '审批机关名称',
} as const;
export type MessageValueName = keyof typeof MESSAGE_VALUES;
export type MessageValues = Record<MessageValueName, string>;

/**
 * What each channel must tell the holder (seeds 四.1: 到期日期、申请换证时限、办理地点、服务电话、
 * 提交材料清单, with booking). An SMS has no room for the materials list and points to the booking
 * channel, where the list is given.
 */
export const REQUIRED_VALUES: Record<MessageChannel, readonly MessageValueName[]> = {
  sms: ['expires', 'deadline', 'office', 'phone', 'booking'],
  auto_prompt: ['expires', 'deadline', 'office', 'phone', 'materials', 'booking'],
  letter: ['holder', 'licence', 'number', 'expires', 'deadline', 'office', 'phone', 'materials', 'booking'],
};

const IDEOGRAPHIC_INDENT = '\u3000\u3000';

/** The wording used where neither the bureau nor the licence type has its own. */
export const DEFAULT_TEMPLATES: Record<MessageChannel, string> = {
  sms: '尊敬的${holder}：您的${licence}（编号${number}）将于${expires}到期，请于${deadline}到${office}申请延续，预约：${booking}，咨询电话${phone}。',
  auto_prompt:
    '${holder}持有的${licence}（编号${number}）将于${expires}有效期届满。申请换证时限：${deadline}；办理地点：${office}；服务电话：${phone}；' +
    '提交材料：${materials}；预约办理：${booking}。',
  letter: [
    '${holder}：',
    `${IDEOGRAPHIC_INDENT}你单位（你）持有的《\${licence}》（证照编号：\${number}）将于\${expires}有效期届满。为避免证照过期影响正常经营，请在有效期届满前及时申请办理换证（延续）手续。`,
    `${IDEOGRAPHIC_INDENT}申请换证时限：\${deadline}`,
    `${IDEOGRAPHIC_INDENT}办理地点：\${office}`,
    `${IDEOGRAPHIC_INDENT}服务电话：\${phone}`,
    `${IDEOGRAPHIC_INDENT}提交材料：\${materials}`,
    `${IDEOGRAPHIC_INDENT}预约办理：\${booking}`,
  ].join('\n'),
};

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** A web link, as the providers recognise one in a text. */
export const LINK = /(https?:\/\/|www\.)\S+/i;

/** A link written in the wording itself, which the SMS providers take as fixed text. */
export function hasFixedLink(template: string): boolean {
  return LINK.test(template.replace(PLACEHOLDER, ''));
}

/** The values a template uses, in order of first use. */
export function templateValueNames(template: string): string[] {
  const names: string[] = [];
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** A template's values in the order it uses them, as a provider's approved template numbers or names them. */
export function templateParameters(template: string, values: MessageValues): Array<[name: string, value: string]> {
  return templateValueNames(template).map((name) => [name, (values as Record<string, string>)[name] ?? '']);
}

/**
 * Why a bureau's template cannot be used: a value the engine does not know, a value the channel
 * must state but the template leaves out, an unclosed `${`. Empty when it can.
 */
export function templateProblems(channel: MessageChannel, template: string): string[] {
  const problems: string[] = [];
  const known = Object.keys(MESSAGE_VALUES);
  const names = templateValueNames(template);
  for (const name of names) {
    if (!known.includes(name)) problems.push(`\${${name}} is not a value the engine fills; use one of ${known.map((value) => `\${${value}}`).join(', ')}`);
  }
  if (template.replace(PLACEHOLDER, '').includes('${')) problems.push('a `${` is never closed; write values as ${name}');
  for (const name of REQUIRED_VALUES[channel]) {
    // A text cannot carry a link in a variable: its booking page is written into the wording instead.
    if (channel === 'sms' && name === 'booking' && hasFixedLink(template)) continue;
    if (!names.includes(name)) problems.push(`a ${channel} reminder must state ${MESSAGE_VALUES[name]}: add \${${name}}`);
  }
  return problems;
}

/** Raised when a template would put a gap into a message; the message is not sent. */
export class MessageTemplateError extends Error {
  override name = 'MessageTemplateError';
}

/**
 * The message a template makes with a licence's values.
 * @throws MessageTemplateError when the template uses an unknown value or a value is blank.
 */
export function renderMessage(template: string, values: MessageValues): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    if (value === undefined || value.trim() === '') throw new MessageTemplateError(`the template's \${${name}} has no value; fix the template or the catalogue entry`);
    return value;
  });
}

/** What a licence's catalogue entry and bureau say about renewing it; the guidance may be unset. */
export interface MessageSources {
  holderName: string;
  licenceName: string;
  licenceNumber: string;
  expiresOn: string;
  renewalDeadline: string | null;
  officeAddress: string | null;
  servicePhone: string | null;
  materials: readonly string[];
  bookingUrl: string | null;
  bureauName: string;
  bureauOfficeAddress: string | null;
  bureauServicePhone: string | null;
  bureauPortalUrl: string | null;
}

// 12345 is the government service hotline in every Chinese city: a number that always answers.
const NATIONAL_SERVICE_HOTLINE = '12345';

/**
 * Every template value for one licence. Guidance a department has not completed falls back to the
 * bureau's, then to wording that is still true and useful: the deadline to 有效期届满前, the phone
 * to the 12345 hotline, the materials and booking to a call to that phone.
 */
export function messageValues(sources: MessageSources): MessageValues {
  const phone = sources.servicePhone ?? sources.bureauServicePhone ?? NATIONAL_SERVICE_HOTLINE;
  const booking = sources.bookingUrl ?? sources.bureauPortalUrl;
  return {
    holder: sources.holderName,
    licence: sources.licenceName,
    number: sources.licenceNumber,
    expires: sources.expiresOn,
    deadline: sources.renewalDeadline ?? '有效期届满前',
    office: sources.officeAddress ?? sources.bureauOfficeAddress ?? `${sources.bureauName}政务服务窗口`,
    phone,
    materials:
      sources.materials.length > 0 ? sources.materials.map((item, index) => `${index + 1}. ${item}`).join('；') : `请致电${phone}咨询，窗口一次性告知`,
    booking: booking ?? `致电${phone}预约`,
    bureau: sources.bureauName,
  };
}
