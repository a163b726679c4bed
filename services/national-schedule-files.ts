import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { Refusal } from './refusal';

/** A schedule's days as typed, before they are checked against the year loaded. */
export type NationalScheduleInput = { source: string; days: Array<{ date: string; kind: string; name: string }> };

/**
 * Reads a schedule typed as CSV (columns date, kind, name; or 日期, 类型, 名称) into the body the
 * API takes as JSON.
 */
export function scheduleFromCsv(text: string, source: string): NationalScheduleInput {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw Refusal.invalid([{ path: 'csv', message: `cannot be read as CSV (date,kind,name): ${(error as Error).message}` }]);
  }
  const cell = (row: Record<string, string>, ...names: string[]) => names.map((name) => row[name]).find((value) => value !== undefined) ?? '';
  return { source, days: rows.map((row) => ({ date: cell(row, 'date', '日期'), kind: cell(row, 'kind', '类型'), name: cell(row, 'name', '名称') })) };
}

// The marks holiday calendars put after a holiday's name: 休 for a day off, 班 for a make-up working day.
const KIND_MARK = /\s*[（(]?\s*(补班|上班|班|放假|休)\s*[)）]?\s*$/;

/**
 * Reads a holiday calendar exported as iCalendar (.ics): each all-day event is a holiday, one day per
 * date it spans; a summary that ends in 班 (补班, 上班) is a make-up working day, any other a day
 * off. Its name is the summary without that mark.
 * @throws Refusal (invalid, field `ics`) when the file is no iCalendar or an event is not all-day.
 */
export function scheduleFromIcs(text: string, source: string): NationalScheduleInput {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(text.replace(/^\uFEFF/, '')));
  } catch (error) {
    throw Refusal.invalid([{ path: 'ics', message: `is no iCalendar file: ${(error as Error).message}` }]);
  }
  const days: NationalScheduleInput['days'] = [];
  for (const [index, component] of calendar.getAllSubcomponents('vevent').entries()) {
    const event = new ICAL.Event(component);
    const summary = (event.summary ?? '').trim();
    if (!event.startDate?.isDate || event.isRecurring()) {
      throw Refusal.invalid([{ path: `ics.events.${index}`, message: `"${summary}" must be one all-day event (DTSTART;VALUE=DATE), not timed or repeating` }]);
    }
    const mark = KIND_MARK.exec(summary)?.[1];
    const kind = mark?.endsWith('班') ? 'working_day' : 'day_off';
    const name = summary.replace(KIND_MARK, '').trim() || summary;
    const day = event.startDate.clone();
    const end = event.endDate ?? event.startDate;
    do {
      days.push({ date: day.toString(), kind, name });
      day.adjust(1, 0, 0, 0);
    } while (day.compare(end) < 0);
  }
  return { source, days };
}
