/**
 * What a holder's SMS reply asks for:
 * - renewed: the holder says it has already renewed (已办理); a specialist confirms it in the approval system;
 * - wrong_number: the text reached someone else (号码错误); the contact is flagged and the ladder goes on;
 * - call_back: the holder asks to be called (请回电); a task for the department;
 * - other: anything else, read by a specialist.
 */
export const REPLY_INTENTS = ['renewed', 'wrong_number', 'call_back', 'other'] as const;
export type ReplyIntent = (typeof REPLY_INTENTS)[number];

/** Intents the licence's workflow acts on; the others are tasks a specialist answers. */
export const LADDER_REPLY_INTENTS: readonly ReplyIntent[] = ['renewed', 'wrong_number'];

// Checked in this order: "不是本人，已办理" is a wrong number before it is a renewal, and a reply that
// denies ("未办理", "没办") is not read as renewed.
const WRONG_NUMBER = [/号码?(错误|有误|不对|错了)/, /打错|发错|错号/, /不是(本人|我|机主)/, /(查无此人|无此人|没有这个(人|单位|公司))/];
const NOT_DONE = /(未|没|没有|还没|尚未)(有)?(办|办理|续|延续|换证)/;
const RENEWED = [/已(经)?(办|办理|续|续期|延续|换证|申请|提交)/, /办(理)?(好|完)了?/, /续(好|完)了/];
const CALL_BACK = [/回电|回个电话|回复电话/, /(请|麻烦)?(给我)?打(个)?电话/, /电话(联系|沟通)/, /来电/];

/** Reads a reply's intent from its words; punctuation, spaces and width do not matter. */
export function classifyReply(text: string): ReplyIntent {
  const words = text.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '');
  if (WRONG_NUMBER.some((pattern) => pattern.test(words))) return 'wrong_number';
  if (!NOT_DONE.test(words) && RENEWED.some((pattern) => pattern.test(words))) return 'renewed';
  if (CALL_BACK.some((pattern) => pattern.test(words))) return 'call_back';
  return 'other';
}
