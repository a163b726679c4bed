import { smsSending } from '../../workflows/licence/activity-proxies';
import type { LicenceActivities } from '../../activities';

type ChannelInput = Parameters<LicenceActivities['sendReminderSms']>[0];

/** Asks for many licences' texts at once, as a wake-up storm's SMS steps do, from the real SMS queue. */
export async function smsBurstWorkflow(inputs: ChannelInput[]): Promise<string[]> {
  const { sendReminderSms } = smsSending();
  return Promise.all(inputs.map(async (input) => (await sendReminderSms(input)).outcome));
}

/** Asks for one licence's text from the real SMS queue and answers with the step's whole answer. */
export async function smsStepWorkflow(input: ChannelInput): Promise<Awaited<ReturnType<LicenceActivities['sendReminderSms']>>> {
  return smsSending().sendReminderSms(input);
}
