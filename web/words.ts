import { OUTCOME_WORDS } from '../domain';

/** The pages' Chinese words for the engine's codes. */

export const STAGE_WORDS: Record<string, string> = {
  awaiting_window: '等待提醒期',
  window_open: '提醒中',
  renewal_pending: '换证办理中',
  renewal_approved: '换证已批准',
  expired: '已过期',
  renewed: '已换证',
  lapsed: '已失效',
  revoked: '已吊销/注销',
};

export const TASK_KIND_WORDS: Record<string, string> = {
  phone_call: '电话提醒',
  send_letter: '寄送提醒函',
  complete_guidance: '完善办事指南',
  resolve_refusal: '处理被拒绝的步骤',
  confirm_renewal: '核实是否已办理延续',
  assisted_handling: '帮办代办',
  appointment: '预约办理',
  sms_reply: '处理短信回复',
};

export const ALERT_KIND_WORDS: Record<string, string> = {
  licence_expired: '证照到期未申请延续',
  task_overdue: '任务逾期',
  step_refused: '流程步骤被拒绝，待科室处理',
};

export const TASK_STATUS_WORDS: Record<string, string> = {
  open: '待领取',
  claimed: '已领取',
  completed: '已完成',
  cancelled: '已撤销',
};

export { OUTCOME_WORDS };

export const NEXT_ACTION_WORDS: Record<string, string> = {
  open_reminder_window: '开启提醒期',
  auto_prompt: '业务系统自动提示',
  sms: '发送提醒短信',
  wechat: '发送微信提醒',
  phone_call: '电话提醒',
  letter: '点对点函告',
  await_task: '等待专员完成任务',
  await_decision: '等待换证审批结果',
  record_expiry: '记录到期未换证',
  close_as_lapsed: '宽限期满，按失效办结',
  push_decision: '向监管部门推送审批结果',
};

export const CHANNEL_WORDS: Record<string, string> = {
  auto_prompt: '业务系统提示',
  sms: '短信',
  wechat: '微信',
  phone_call: '电话',
  letter: '函告',
};

// The history's domain words (services/licence-history.ts) in Chinese; unknown ones are shown as they are.
const HISTORY_WORDS: Record<string, string> = {
  'licence registered, lifecycle started': '证照登记，开始跟踪',
  'reminder window opened': '提醒期开启',
  'renewal application recorded; reminders paused': '已受理换证申请，暂停提醒',
  'licence expired': '证照到期',
  'grace period over: closed as lapsed': '宽限期满，按失效办结',
  'closed as renewed': '已换证办结',
  'closed as revoked': '已吊销/注销办结',
  'phone-call task opened': '生成电话提醒任务',
  'letter-sending task opened': '生成函告寄送任务',
  'phone call made': '已电话提醒',
  'letter sent': '提醒函已寄出',
  'business-system prompt delivered': '业务系统提示已送达',
  'SMS reminder sent': '提醒短信已发送',
  'WeChat reminder sent': '微信提醒已发送',
  'WeChat reminder not sent: texted instead': '微信未能送达，改发短信',
  'WeChat reminder unconfirmed: texted as well': '微信发送结果未获确认，已另发短信',
  'SMS delivered': '提醒短信已送达',
  'reminder letter (函告) written': '已生成点对点提醒函',
  'open tasks withdrawn': '撤销未完成任务',
  'task overdue: escalated to the supervisors': '任务逾期未办结，已上报督查人员',
  'expired without renewal: ledger row written, supervisor alerted': '到期未换证：已记台账并通知督查人员',
  'decision delivered to a regulator': '审批结果已推送监管部门',
  'new licence registered': '新证照已登记',
  'closure reason recorded': '已记录办结原因',
  'renewal application received': '收到换证申请',
  'renewal approved': '换证申请获批',
  'renewal rejected': '换证申请不予批准',
  'renewal withdrawn': '换证申请已撤回',
  'revoked or cancelled': '证照被吊销或注销',
  'expiry date corrected': '到期日已更正',
  'contact changed': '联系人信息已更正',
  'specialist reported a task done': '专员报告任务完成',
  'holder replied by SMS': '持证单位回复短信',
  'lifecycle finished': '跟踪结束',
  'workflow terminated by an operator': '运维人员终止了流程',
};

/** A history entry's words in Chinese. */
export function historyWords(what: string): string {
  return HISTORY_WORDS[what] ?? (what.endsWith(' failed') ? `步骤失败：${what.replace(/ failed$/, '')}` : what);
}

/** Outcome codes in a history detail ("no_answer, by 王芳") in Chinese. */
export function historyDetail(detail: string | undefined): string {
  if (!detail) return '';
  return detail.replace(/\b[a-z_]+\b/g, (word) => OUTCOME_WORDS[word] ?? word).replace(/, by /, '，经办人 ').replace(/^attempt (\d+), due /, '第 $1 次，期限 ')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, (instant) => shanghaiTime(instant));
}

/** Formats an instant in the bureau's zone, as staff read it. */
export function shanghaiTime(iso: string | Date, zone = 'Asia/Shanghai'): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat('zh-CN', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}
