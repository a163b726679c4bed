import { DateTime } from 'luxon';
import type { CalendarDate } from './calendar-date';
import type { LicenceStage } from './licence';
import { licenceLapsesAt, reminderWindowOpensAt } from './reminder-window';

/**
 * A reference model of a licence's lifecycle, as simple as it can be said: what stage a licence is
 * in after a sequence of events and the passing of time, which events are refused, and how many
 * times its reminder window opened (one business-system prompt each). The model-based test plays
 * random lives against the real workflow and compares.
 */

/** What can happen to a licence from outside; time passing is {@link advance}. */
export type LifecycleEvent =
  | { kind: 'apply' }
  | { kind: 'approve'; keepsNumber: boolean; newExpiresOn: CalendarDate }
  | { kind: 'reject' }
  | { kind: 'withdraw' }
  | { kind: 'revoke' }
  | { kind: 'correct_expiry'; expiresOn: CalendarDate };

export interface LicencePlan {
  reminderLeadMonths: number;
  graceDays: number;
  timeZone: string;
}

export interface ModelLicence {
  readonly plan: LicencePlan;
  expiresOn: CalendarDate;
  term: number;
  applicationPending: boolean;
  closed?: 'renewed' | 'revoked' | 'lapsed';
  /** The reminder window of this ladder has opened (and its prompt gone out). */
  windowOpened: boolean;
  /** Business-system prompts the licence has had, over all its terms. */
  prompts: number;
}

export function modelLicence(expiresOn: CalendarDate, plan: LicencePlan): ModelLicence {
  return { plan, expiresOn, term: 1, applicationPending: false, windowOpened: false, prompts: 0 };
}

const windowOf = (model: ModelLicence) => reminderWindowOpensAt(model.expiresOn, model.plan.reminderLeadMonths, model.plan.timeZone).toMillis();
const lapseOf = (model: ModelLicence) => licenceLapsesAt(model.expiresOn, model.plan.timeZone).toMillis();
const graceEndOf = (model: ModelLicence) => DateTime.fromMillis(lapseOf(model)).plus({ days: model.plan.graceDays }).toMillis();

/**
 * Time passes from `from` to `to` with nothing from outside: the window opens (a prompt) unless an
 * application pauses the ladder or the licence expired first; past the grace period it lapses.
 */
export function advance(model: ModelLicence, from: number, to: number): void {
  if (model.closed || model.applicationPending) return;
  const opensAt = Math.max(windowOf(model), from);
  if (!model.windowOpened && opensAt <= to && opensAt < lapseOf(model)) {
    model.windowOpened = true;
    model.prompts += 1;
  }
  if (to >= graceEndOf(model)) model.closed = 'lapsed';
}

/**
 * An event at instant `at` (time has been advanced to it). Refused events change nothing.
 * @returns whether the licence accepts it.
 */
export function happen(model: ModelLicence, event: LifecycleEvent, at: number): boolean {
  switch (event.kind) {
    case 'apply':
      if (model.closed || model.applicationPending) return false;
      model.applicationPending = true;
      return true;
    case 'approve':
      if (model.closed || !model.applicationPending) return false;
      model.applicationPending = false;
      if (!event.keepsNumber) model.closed = 'renewed';
      else Object.assign(model, { term: model.term + 1, expiresOn: event.newExpiresOn, windowOpened: false });
      return true;
    case 'reject':
    case 'withdraw':
      if (model.closed || !model.applicationPending) return false;
      model.applicationPending = false;
      advance(model, at, at);
      return true;
    case 'revoke':
      if (model.closed) return false;
      model.closed = 'revoked';
      return true;
    case 'correct_expiry':
      if (model.closed) return false;
      model.expiresOn = event.expiresOn;
      // A window moved out again starts the ladder afresh when it reopens.
      if (model.windowOpened && at < windowOf(model)) model.windowOpened = false;
      advance(model, at, at);
      return true;
  }
}

/** The stage the model is in at `at`. */
export function stageOf(model: ModelLicence, at: number): LicenceStage {
  if (model.closed) return model.closed;
  if (model.applicationPending) return 'renewal_pending';
  if (at >= lapseOf(model)) return 'expired';
  return model.windowOpened ? 'window_open' : 'awaiting_window';
}
