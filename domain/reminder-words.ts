/**
 * The words staff read for what became of a reminder or a task, in ledgers and pages alike: the
 * engine records outcomes as codes (`delivered`, `no_answer`), a 台账 shows them as a clerk writes them.
 */
export const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  reached: '已接通并告知',
  refused: '拒绝接听/不配合',
  no_answer: '无人接听',
  wrong_number: '号码错误',
  already_renewed: '已办理换证',
  sent: '已寄出',
  completed: '已完善',
  fixed: '已处理',
  renewal_found: '审批系统中已查到延续',
  not_renewed: '未查到延续办理',
  handled: '已帮办',
  booked: '已预约',
  declined: '申请人已取消',
  unreachable: '联系不上申请人',
  delivered: '已送达',
  undeliverable: '无法送达',
  expired_unrenewed: '到期未换证',
  called_back: '已回电',
  no_action_needed: '无需处理',
  renewed: '称已办理',
  call_back: '请求回电',
  other: '其他回复',
};

// A text is sent, not posted; a prompt in the business system is shown.
const CHANNEL_OUTCOME_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sms: { sent: '已发送，待回执', delivered: '已送达', undeliverable: '无法送达', deferred: '号码当日条数已满，顺延至下一发送时段' },
  auto_prompt: { delivered: '已提示' },
  wechat: { sent: '已发送', unconfirmed: '已提交微信，未获确认' },
};

/** An outcome of a reminder on a channel in the ledger's words; an unknown one is shown as recorded. */
export function outcomeWords(channel: string, outcome: string): string {
  return CHANNEL_OUTCOME_WORDS[channel]?.[outcome] ?? OUTCOME_WORDS[outcome] ?? outcome;
}
