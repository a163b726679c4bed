import type { MessageValues } from './message-templates';

/**
 * The keyword fields of the service account's licence-expiry template (证照到期提醒, 政务民生): a
 * WeChat template message carries no free text, only typed fields the account chose when it
 * added the template, each with WeChat's own limits.
 */
export const WECHAT_TEMPLATE_FIELDS = {
  thing1: { means: 'licence', type: 'thing' },
  thing2: { means: 'number', type: 'thing' },
  time3: { means: 'expires', type: 'time' },
  thing4: { means: 'office', type: 'thing' },
  phone_number5: { means: 'phone', type: 'phone_number' },
} as const satisfies Record<string, { means: keyof MessageValues; type: WechatFieldType }>;

export type WechatFieldType = 'thing' | 'time' | 'phone_number' | 'character_string';

/** What WeChat accepts in a field of each type: a `thing` is at most 20 characters, a phone number digits and dashes. */
export const WECHAT_FIELD_RULES: Record<WechatFieldType, { maxLength: number; pattern?: RegExp }> = {
  thing: { maxLength: 20 },
  time: { maxLength: 40 },
  phone_number: { maxLength: 17, pattern: /^[+0-9-]+$/ },
  character_string: { maxLength: 32, pattern: /^[\x21-\x7e]+$/ },
};

export type WechatTemplateData = Record<string, { value: string }>;

/** The licence's template fields, each fitted to its type: long text is cut with an ellipsis, as WeChat would refuse it whole. */
export function wechatTemplateData(values: MessageValues): WechatTemplateData {
  const data: WechatTemplateData = {};
  for (const [key, field] of Object.entries(WECHAT_TEMPLATE_FIELDS)) {
    data[key] = { value: fitted(values[field.means], WECHAT_FIELD_RULES[field.type].maxLength) };
  }
  return data;
}

/** Why WeChat would refuse a field (errcode 47003), or nothing when every field fits its type. */
export function wechatFieldProblems(data: WechatTemplateData, types: Record<string, WechatFieldType>): string[] {
  const problems: string[] = [];
  for (const [key, type] of Object.entries(types)) {
    const value = data[key]?.value;
    const rule = WECHAT_FIELD_RULES[type];
    if (value === undefined || value === '') problems.push(`${key} is empty`);
    else if ([...value].length > rule.maxLength) problems.push(`${key} is longer than ${rule.maxLength} characters`);
    else if (rule.pattern && !rule.pattern.test(value)) problems.push(`${key} is not a valid ${type}`);
  }
  return problems;
}

function fitted(value: string, maxLength: number): string {
  const characters = [...value];
  return characters.length <= maxLength ? value : `${characters.slice(0, maxLength - 1).join('')}…`;
}
