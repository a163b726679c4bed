import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { outcomeWords } from '../domain';

/** One reminder as the ledger (台账) records it, in the words of the bureau's template. */
export interface LedgerExportRow {
  departmentName: string;
  holderName: string;
  licenceName: string;
  licenceNumber: string;
  /** YYYY-MM-DD on the bureau calendar. */
  expiresOn: string;
  contactName: string;
  contactPhone: string;
  /** YYYY-MM-DD on the bureau calendar. */
  remindedOn: string;
  /** 'system' or a specialist's name. */
  remindedBy: string;
  /** auto_prompt | sms | phone_call | letter | expiry */
  channel: string;
  outcome: string;
  /**
   * The reminder SMS's parameters in its template's order, for the SMS batch exports; without them
   * a row carries holder, licence, number and expiresOn.
   */
  smsParameters?: ReadonlyArray<readonly [name: string, value: string]>;
}

/** What the ledger workbook needs besides its rows. */
export interface LedgerWorkbookOptions {
  /** The bureau's full name, e.g. 威海市行政审批服务局: the title is this name followed by 证照到期提醒台账. */
  bureauName: string;
  /** The department the export was asked for; see {@link ledgerWorkbook} for when it shows. */
  departmentName?: string;
}

// The words the published template (附件2) uses, so that a printed ledger reads like the bureau's own.
export const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  auto_prompt: '业务系统自动提示',
  sms: '短信提醒',
  phone_call: '人工电话通知',
  letter: '点对点函告',
  expiry: '到期未换证',
};

const SYSTEM_REMINDER = 'system';
const SYSTEM_REMINDER_LABEL = '系统';

interface LedgerColumn {
  title: string;
  valueOf(row: LedgerExportRow, serial: number): string | number;
  /** Calendar dates, numbers with leading zeros and phone numbers must stay text in Excel. */
  text: boolean;
  centred: boolean;
}

// The template's eight columns in its order, then the three this engine adds.
const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  { title: '序号', valueOf: (_row, serial) => serial, text: false, centred: true },
  { title: '证照持有单位（个人）', valueOf: (row) => row.holderName, text: true, centred: false },
  { title: '证照名称', valueOf: (row) => row.licenceName, text: true, centred: false },
  { title: '期满日期', valueOf: (row) => row.expiresOn, text: true, centred: true },
  { title: '联系人', valueOf: (row) => row.contactName, text: true, centred: true },
  { title: '联系方式', valueOf: (row) => row.contactPhone, text: true, centred: true },
  { title: '提醒日期', valueOf: (row) => row.remindedOn, text: true, centred: true },
  { title: '提醒人', valueOf: (row) => reminderLabel(row.remindedBy), text: true, centred: true },
  { title: '证照编号', valueOf: (row) => row.licenceNumber, text: true, centred: false },
  { title: '提醒方式', valueOf: (row) => channelLabel(row.channel), text: true, centred: true },
  { title: '提醒结果', valueOf: (row) => (row.outcome ? outcomeWords(row.channel, row.outcome) : ''), text: true, centred: false },
];

/** The column titles of the ledger in export order: the template's eight, then 证照编号, 提醒方式, 提醒结果. */
export const LEDGER_COLUMN_TITLES: readonly string[] = LEDGER_COLUMNS.map((column) => column.title);

/** The template shows the channel in words; a channel it does not know is shown as recorded rather than dropped. */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** Reminders the engine made itself are signed 系统 in the ledger, as a clerk would write it. */
export function reminderLabel(remindedBy: string): string {
  return remindedBy === SYSTEM_REMINDER ? SYSTEM_REMINDER_LABEL : remindedBy;
}

function ledgerRecord(row: LedgerExportRow, serial: number): Array<string | number> {
  return LEDGER_COLUMNS.map((column) => column.valueOf(row, serial));
}

// ---------------------------------------------------------------------------------------------
// .xlsx
// ---------------------------------------------------------------------------------------------

const TITLE_ROW = 1;
const DEPARTMENT_ROW = 2;
const HEADER_ROW = 3;
const FIRST_DATA_ROW = 4;

const EXCEL_SHEET_NAME_LIMIT = 31;
// Excel refuses these in a sheet name; control characters would corrupt the file's XML.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_SHEET_NAME_CHARACTERS = /[\\/?*[\]:\u0000-\u001f]/g;
const SHEET_NAME_WHEN_NO_DEPARTMENT = '台账';

const MIN_COLUMN_WIDTH = 6;
// Beyond this a holder's name wraps rather than pushing the sheet off a landscape A4 page.
const MAX_COLUMN_WIDTH = 40;
const TEXT_FORMAT = '@';
const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/**
 * The ledger as an .xlsx file in the layout of the bureau's published template (附件2): a merged,
 * bold title, the 科室 line, the header and rows numbered from 1 — one worksheet per department,
 * because each 科室 keeps and signs its own ledger.
 *
 * Departments get their sheets in the order their first row appears, so a caller that sorts the rows
 * decides the sheet order. A row's own department names its sheet and 科室 line; `departmentName`
 * stands in where no row says which department it is, most usefully when a department has nothing
 * to report yet and the export still has to be a recognisable, empty ledger of that department.
 *
 * Dates and phone numbers are written as text so that Excel neither shifts a date with the reader's
 * time zone nor turns a phone number into 1.38E+10.
 */
export async function ledgerWorkbook(rows: LedgerExportRow[], options: LedgerWorkbookOptions): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const title = `${options.bureauName}证照到期提醒台账`;
  const takenSheetNames = new Set<string>();
  for (const [department, departmentRows] of rowsByDepartment(rows, options.departmentName ?? '')) {
    const sheetName = uniqueSheetName(department, takenSheetNames);
    addLedgerSheet(workbook, sheetName, title, department, departmentRows);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function rowsByDepartment(rows: LedgerExportRow[], fallbackDepartment: string): Map<string, LedgerExportRow[]> {
  const groups = new Map<string, LedgerExportRow[]>();
  for (const row of rows) {
    const department = row.departmentName || fallbackDepartment;
    const group = groups.get(department);
    if (group) group.push(row);
    else groups.set(department, [row]);
  }
  if (groups.size === 0) groups.set(fallbackDepartment, []);
  return groups;
}

/**
 * A name Excel accepts for a department's sheet: Excel refuses to open a workbook whose sheet name
 * has one of \ / ? * [ ] :, runs past 31 characters or is 'History', so those are cleaned away
 * here rather than lost in an error when a bureau names a department 综合科/窗口.
 */
export function excelSheetName(department: string): string {
  const cleaned = department
    .replace(FORBIDDEN_SHEET_NAME_CHARACTERS, '')
    .trim()
    // Excel reads a leading or trailing apostrophe as quoting.
    .replace(/^'+|'+$/g, '');
  const name = truncateToCodeUnits(cleaned, EXCEL_SHEET_NAME_LIMIT).trim();
  // 'History' is reserved by Excel for change tracking.
  if (name === '' || name.toLowerCase() === 'history') return SHEET_NAME_WHEN_NO_DEPARTMENT;
  return name;
}

function uniqueSheetName(department: string, taken: Set<string>): string {
  const base = excelSheetName(department);
  let candidate = base;
  // Excel compares sheet names without regard to case.
  for (let copy = 2; taken.has(candidate.toLowerCase()); copy += 1) {
    const suffix = `(${copy})`;
    candidate = `${truncateToCodeUnits(base, EXCEL_SHEET_NAME_LIMIT - suffix.length)}${suffix}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

// Excel counts UTF-16 code units; cutting between a surrogate pair would leave a broken character.
function truncateToCodeUnits(text: string, limit: number): string {
  let result = '';
  for (const character of text) {
    if (result.length + character.length > limit) break;
    result += character;
  }
  return result;
}

function addLedgerSheet(workbook: ExcelJS.Workbook, sheetName: string, title: string, department: string, rows: LedgerExportRow[]): void {
  const columnCount = LEDGER_COLUMNS.length;
  const sheet = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });

  const titleCell = sheet.getCell(TITLE_ROW, 1);
  titleCell.value = title;
  titleCell.font = { bold: true, size: 16 };
  titleCell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(TITLE_ROW).height = 30;
  sheet.mergeCells(TITLE_ROW, 1, TITLE_ROW, columnCount);

  const departmentCell = sheet.getCell(DEPARTMENT_ROW, 1);
  departmentCell.value = `科室：${department}`;
  departmentCell.alignment = { horizontal: 'left', vertical: 'middle' };
  sheet.mergeCells(DEPARTMENT_ROW, 1, DEPARTMENT_ROW, columnCount);

  const header = sheet.getRow(HEADER_ROW);
  LEDGER_COLUMNS.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.title;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN_BORDER;
  });

  rows.forEach((row, index) => {
    const sheetRow = sheet.getRow(FIRST_DATA_ROW + index);
    ledgerRecord(row, index + 1).forEach((value, columnIndex) => {
      const column = LEDGER_COLUMNS[columnIndex]!;
      const cell = sheetRow.getCell(columnIndex + 1);
      cell.value = value;
      if (column.text) cell.numFmt = TEXT_FORMAT;
      cell.alignment = { horizontal: column.centred ? 'center' : 'left', vertical: 'middle', wrapText: !column.centred };
      cell.border = THIN_BORDER;
    });
  });

  LEDGER_COLUMNS.forEach((column, index) => {
    const widest = Math.max(displayWidth(column.title), ...rows.map((row) => displayWidth(String(column.valueOf(row, rows.length)))));
    sheet.getColumn(index + 1).width = Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, widest + 2));
  });

  // A ledger running to several printed pages repeats its header on each.
  sheet.pageSetup.printTitlesRow = `${HEADER_ROW}:${HEADER_ROW}`;
}

// Excel's column width counts narrow characters; a Chinese character takes about two of them.
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += isWideCharacter(character) ? 2 : 1;
  return width;
}

function isWideCharacter(character: string): boolean {
  const codePoint = character.codePointAt(0) ?? 0;
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/**
 * The ledger as CSV for spreadsheets and other systems: the header row of the 11 column titles, then
 * one record per reminder numbered from 1 across the whole export (a CSV has no sheets to restart in).
 *
 * It starts with a byte order mark because Excel on a Chinese Windows otherwise reads UTF-8 as GBK
 * and shows mojibake, and it ends lines with CRLF as Excel writes them. A field that begins with
 * = + - @ gets a leading apostrophe so that a holder's name cannot run as a formula when the file
 * is opened; that apostrophe is the one change a round trip shows.
 */
export function ledgerCsv(rows: LedgerExportRow[]): string {
  const records = [LEDGER_COLUMN_TITLES, ...rows.map((row, index) => ledgerRecord(row, index + 1))];
  return stringify(records, {
    bom: true,
    record_delimiter: 'windows',
    // With a record delimiter given, csv-stringify stops quoting a lone \n or \r, and Excel ends the
    // record there; a name or note typed over two lines must stay one field.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

// ---------------------------------------------------------------------------------------------
// SMS batches
// ---------------------------------------------------------------------------------------------

/** Aliyun's limit of phone numbers in one SendBatchSms call. */
export const ALIYUN_BATCH_LIMIT = 100;
/** Tencent Cloud's limit of phone numbers in one SendSms (2021-01-11) call. */
export const TENCENT_BATCH_LIMIT = 200;

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
// Ledgers carry numbers as people type them: 138 0013 8000, 138-0013-8000, +86 13800138000.
const TYPING_SEPARATORS = /[\s-]/g;
const MAINLAND_COUNTRY_PREFIX = /^(?:\+86|0086|86)(?=1\d{10}$)/;

/** Why a ledger row was left out of the SMS requests, so that someone can reach that holder another way. */
export type SmsSkipReason = 'no contact phone' | 'not an 11-digit mainland mobile number' | 'same number and message as an earlier row';

/** A ledger row that no SMS request carries, with the reason. */
export interface SkippedSmsRow {
  row: LedgerExportRow;
  reason: SmsSkipReason;
}

/**
 * Request bodies for a provider's batch sending, and the rows they leave out. Every input row is in
 * exactly one of the two: sent to once, or listed as skipped with its reason.
 */
export interface SmsBatchExport<TRequest> {
  requests: TRequest[];
  skipped: SkippedSmsRow[];
}

/** The body of one Aliyun SendBatchSms call: every *Json field is a JSON-encoded array string, one element per number. */
export interface AliyunSendBatchSmsRequest {
  PhoneNumberJson: string;
  SignNameJson: string;
  TemplateCode: string;
  TemplateParamJson: string;
}

/** The body of one Tencent Cloud SendSms call (API 2021-01-11). */
export interface TencentSendSmsRequest {
  /** E.164: +86 and the 11-digit number. */
  PhoneNumberSet: string[];
  SmsSdkAppId: string;
  SignName: string;
  TemplateId: string;
  /** Positional: the template's parameters in its order (holder, licence, licence number, expiry date without a template). */
  TemplateParamSet: string[];
}

interface SmsRecipient {
  phone: string;
  /** The template's variables in its order, named as the approved Aliyun template names them. */
  parameters: ReadonlyArray<readonly [name: string, value: string]>;
}

/**
 * The 11-digit mainland mobile number in a contact phone as typed, or null when there is none:
 * spaces, hyphens and a +86 / 0086 / 86 prefix are dropped; landlines and foreign numbers are not
 * mobile numbers and cannot take an SMS.
 */
export function mainlandMobileNumber(contactPhone: string): string | null {
  const digits = contactPhone.replace(TYPING_SEPARATORS, '').replace(MAINLAND_COUNTRY_PREFIX, '');
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

function smsParametersOf(row: LedgerExportRow): ReadonlyArray<readonly [string, string]> {
  return (
    row.smsParameters ?? [
      ['holder', row.holderName],
      ['licence', row.licenceName],
      ['number', row.licenceNumber],
      ['expiresOn', row.expiresOn],
    ]
  );
}

// The ledger has a row per reminder, so one licence can appear several times (its automatic prompt,
// then its SMS); the holder should still get that message once.
function smsRecipients(rows: LedgerExportRow[]): { recipients: SmsRecipient[]; skipped: SkippedSmsRow[] } {
  const recipients: SmsRecipient[] = [];
  const skipped: SkippedSmsRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.contactPhone.trim() === '') {
      skipped.push({ row, reason: 'no contact phone' });
      continue;
    }
    const phone = mainlandMobileNumber(row.contactPhone);
    if (phone === null) {
      skipped.push({ row, reason: 'not an 11-digit mainland mobile number' });
      continue;
    }
    const parameters = smsParametersOf(row);
    const message = JSON.stringify([phone, parameters]);
    if (seen.has(message)) {
      skipped.push({ row, reason: 'same number and message as an earlier row' });
      continue;
    }
    seen.add(message);
    recipients.push({ phone, parameters });
  }
  return { recipients, skipped };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Aliyun SendBatchSms bodies for the reminder SMS of these rows. SendBatchSms takes one template and
 * a sign and variables per number, so each number gets its own licence's details; calls hold at most
 * 100 numbers, in row order. Rows without a usable mainland mobile number, and repeats of a message
 * already going to the same number, come back in `skipped` instead.
 */
export function aliyunBatchSms(
  rows: LedgerExportRow[],
  options: { signName: string; templateCode: string },
): SmsBatchExport<AliyunSendBatchSmsRequest> {
  const { recipients, skipped } = smsRecipients(rows);
  const requests = chunks(recipients, ALIYUN_BATCH_LIMIT).map((batch) => ({
    PhoneNumberJson: JSON.stringify(batch.map((recipient) => recipient.phone)),
    SignNameJson: JSON.stringify(batch.map(() => options.signName)),
    TemplateCode: options.templateCode,
    TemplateParamJson: JSON.stringify(batch.map((recipient) => Object.fromEntries(recipient.parameters))),
  }));
  return { requests, skipped };
}

/**
 * Tencent Cloud SendSms (2021-01-11) bodies for the reminder SMS of these rows. SendSms applies one
 * TemplateParamSet to every number of a call, so numbers are grouped by identical parameters (in
 * the order each group first appears) and each group is split into calls of at most 200 numbers.
 * Skipped rows are reported as for {@link aliyunBatchSms}.
 */
export function tencentBatchSms(
  rows: LedgerExportRow[],
  options: { smsSdkAppId: string; signName: string; templateId: string },
): SmsBatchExport<TencentSendSmsRequest> {
  const { recipients, skipped } = smsRecipients(rows);
  const phonesByParameters = new Map<string, { parameterSet: string[]; phones: string[] }>();
  for (const { phone, parameters } of recipients) {
    const parameterSet = parameters.map(([, value]) => value);
    const key = JSON.stringify(parameterSet);
    const group = phonesByParameters.get(key);
    if (group) group.phones.push(phone);
    else phonesByParameters.set(key, { parameterSet, phones: [phone] });
  }
  const requests: TencentSendSmsRequest[] = [];
  for (const { parameterSet, phones } of phonesByParameters.values()) {
    for (const batch of chunks(phones, TENCENT_BATCH_LIMIT)) {
      requests.push({
        PhoneNumberSet: batch.map((phone) => `+86${phone}`),
        SmsSdkAppId: options.smsSdkAppId,
        SignName: options.signName,
        TemplateId: options.templateId,
        TemplateParamSet: [...parameterSet],
      });
    }
  }
  return { requests, skipped };
}
