import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { fieldProblems } from '../refusal';
import { RegisterLicenceBody } from '../licence-input';

/**
 * The two shapes e-licence database exports come in. CSV must be UTF-8 (with or without a BOM):
 * GBK exports are not detected, so they surface as a missing-column error; save them again as
 * "CSV UTF-8".
 */
export type ImportFormat = 'csv' | 'xlsx';

/** Which source column feeds which field of the registration body. Keys are field paths like 'holder.name'. */
export type ColumnMapping = Record<string, string[]>;

// The body's string fields by path ('licenceNumber', 'holder.name', …), so that the default
// mapping cannot drift from the schema.
type FieldPath<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends string ? K : `${K}.${FieldPath<NonNullable<T[K]>>}`;
}[keyof T & string];
// One file is one bureau's: the bureau comes from the caller, never from a column.
type ImportedField = Exclude<FieldPath<RegisterLicenceBody>, 'bureau'>;

/**
 * The headers bureaus' exports use, in order of preference: when a file has several columns for one
 * field (证照名称 and 证照类型代码, say), a row's value comes from the first of them that is filled.
 * Matching ignores case, surrounding spaces and full-width versus half-width parentheses, as
 * exports differ in exactly these.
 */
export const DEFAULT_COLUMN_MAPPING: ColumnMapping = {
  licenceNumber: ['证照编号', '证照号码', '许可证编号', 'licence_number', 'licenceNumber', 'license_number'],
  licenceType: ['证照名称', '证照类型', '证照类型代码', 'licence_type', 'licenceType'],
  'holder.name': ['证照持有单位（个人）', '持证主体', '持有人', '单位名称', 'holder_name'],
  'holder.idNumber': ['统一社会信用代码', '身份证号', '证件号码', 'holder_id'],
  'contact.name': ['联系人', 'contact_name'],
  'contact.phone': ['联系方式', '联系电话', '手机号码', 'contact_phone'],
  'contact.address': ['联系地址', '地址', 'contact_address'],
  issuedOn: ['发证日期', '签发日期', 'issued_on'],
  expiresOn: ['期满日期', '有效期至', '截止日期', 'expires_on'],
  parentLicenceNumber: ['上级证照编号', '所属许可证编号', 'parent_licence_number'],
} satisfies Record<ImportedField, string[]>;

/** A reason a row cannot be registered, where the bureau can find and fix it. */
export interface ImportRowProblem {
  line: number;
  field: string;
  reason: string;
}

/** A row ready for registration, or every reason it is not. */
export type ParsedRow = { line: number; ok: true; body: RegisterLicenceBody } | { line: number; ok: false; problems: ImportRowProblem[] };

/** One file is one bureau's, so the bureau is given here rather than read from a column. */
export interface ReadLicenceRowsOptions {
  format: ImportFormat;
  bureau: string;
  /** Replaces the default mapping as a whole; spread DEFAULT_COLUMN_MAPPING into it to extend it instead. */
  mapping?: ColumnMapping;
  /** Lets the caller refuse licence types its bureau's catalogue does not have, row by row. */
  knownLicenceType?: (bureau: string, licenceType: string) => boolean;
}

// Problems that concern a whole row rather than one of its fields.
const WHOLE_ROW = '(row)';

const FORMATS_BY_EXTENSION: Record<string, ImportFormat> = { '.csv': 'csv', '.xlsx': 'xlsx' };

/** Uploads carry no reliable content type, so the file name decides how it is read. */
export function formatOf(fileName: string): ImportFormat {
  const extension = path.extname(fileName).toLowerCase();
  const format = FORMATS_BY_EXTENSION[extension];
  if (format) return format;
  const hint = extension === '.xls' ? ' The old .xls format cannot be read: save it as .xlsx.' : '';
  throw new Error(`"${fileName}" is neither a .csv nor an .xlsx file; export the licences as CSV (UTF-8) or an Excel workbook (.xlsx).${hint}`);
}

interface BodyField {
  path: string;
  required: boolean;
}

// Read off the schema itself, so a field made optional or required there is treated so here.
function fieldsOf(schema: z.ZodObject, prefix = ''): BodyField[] {
  return Object.entries(schema.shape).flatMap(([key, fieldSchema]): BodyField[] => {
    const fieldPath = `${prefix}${key}`;
    if (fieldSchema instanceof z.ZodObject) return fieldsOf(fieldSchema, `${fieldPath}.`);
    return [{ path: fieldPath, required: !z.safeParse(fieldSchema, undefined).success }];
  });
}

const IMPORTED_FIELDS = fieldsOf(RegisterLicenceBody).filter((field) => field.path !== 'bureau');
const DATE_FIELDS = new Set<string>(['issuedOn', 'expiresOn'] satisfies ImportedField[]);
const PHONE_FIELDS = new Set<string>(['contact.phone'] satisfies ImportedField[]);

/**
 * Streams a bureau's export row by row, so that a file of 100,000 licences is never held whole.
 * `line` is the row's line (CSV) or row number (XLSX) as an editor or Excel shows it (the header is
 * normally 1), so the bureau can find the row a problem names.
 *
 * The header is the first non-empty row; rows whose cells are all blank are skipped, as
 * spreadsheets leave them behind. Only an XLSX file's first worksheet is read.
 *
 * @throws Error before any row when the file has no header, or no column for a required field.
 */
export async function* readLicenceRows(input: NodeJS.ReadableStream | string, options: ReadLicenceRowsOptions): AsyncIterable<ParsedRow> {
  const mapping = options.mapping ?? DEFAULT_COLUMN_MAPPING;
  checkMapping(mapping);
  const source = typeof input === 'string' ? fs.createReadStream(input) : asReadable(input);
  try {
    const rows = options.format === 'csv' ? csvRows(source) : xlsxRows(source);
    let context: RowContext | undefined;
    for await (const sourceRow of rows) {
      if (sourceRow.cells.every(isBlank)) continue;
      if (!context) {
        context = { ...options, plan: planColumns(sourceRow, mapping), firstLineOfNumber: new Map() };
        continue;
      }
      yield parseRow(sourceRow, context);
    }
    if (!context) throw new Error('the file is empty: it needs a header row naming its columns, then one licence a row');
  } finally {
    // A file we opened is ours to close, also when the caller stops reading early.
    if (typeof input === 'string') source.destroy();
  }
}

interface ColumnPlan {
  field: string;
  /** Indexes of the file's columns that feed the field, preferred first. */
  columns: number[];
}

interface RowContext extends ReadLicenceRowsOptions {
  plan: ColumnPlan[];
  /** Licence numbers seen so far and where, to refuse a number's second row. */
  firstLineOfNumber: Map<string, number>;
}

// A cell that cannot become text faithfully (an Excel error, a number Excel has rounded).
class UnreadableCell {
  constructor(readonly reason: string) {}
}

type CellText = string | UnreadableCell | undefined;

interface SourceRow {
  line: number;
  cells: CellText[];
  /** Set when the row cannot be split into the header's columns at all. */
  rowProblem?: string;
}

function checkMapping(mapping: ColumnMapping): void {
  const known = new Set(IMPORTED_FIELDS.map((field) => field.path));
  const unknown = Object.keys(mapping).filter((field) => !known.has(field));
  if (unknown.length > 0) {
    throw new Error(`the column mapping names ${unknown.map((field) => `"${field}"`).join(', ')}, which the file cannot feed; its fields are: ${[...known].join(', ')}`);
  }
}

function headerKey(name: string): string {
  return name.replace(/（/g, '(').replace(/）/g, ')').trim().toLowerCase();
}

function planColumns(header: SourceRow, mapping: ColumnMapping): ColumnPlan[] {
  const headerKeys = header.cells.map((cell) => (typeof cell === 'string' ? headerKey(cell) : ''));
  const plan = IMPORTED_FIELDS.map(({ path: field }): ColumnPlan => {
    const accepted = (mapping[field] ?? []).map(headerKey);
    const columns = accepted.flatMap((name) => headerKeys.flatMap((key, index) => (key === name && name !== '' ? [index] : [])));
    return { field, columns: [...new Set(columns)] };
  });
  const missing = IMPORTED_FIELDS.filter((field) => field.required && !plan.some((entry) => entry.field === field.path && entry.columns.length > 0));
  if (missing.length > 0) {
    const expectations = missing.map(({ path: field }) => {
      const accepted = mapping[field] ?? [];
      return `the file has no column for ${field}; expected one of: ${accepted.length > 0 ? accepted.join(', ') : '(the mapping names none)'}`;
    });
    const found = header.cells.map((cell) => (typeof cell === 'string' ? cell.trim() : '')).filter((name) => name !== '');
    throw new Error(`${expectations.join('; ')} (the header, line ${header.line}, has: ${found.join(', ')})`);
  }
  return plan.filter((entry) => entry.columns.length > 0);
}

function isBlank(cell: CellText): boolean {
  return cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

function parseRow(source: SourceRow, context: RowContext): ParsedRow {
  const { line } = source;
  if (source.rowProblem !== undefined) return { line, ok: false, problems: [{ line, field: WHOLE_ROW, reason: source.rowProblem }] };

  const problems: ImportRowProblem[] = [];
  const unreadableFields = new Set<string>();
  const candidate: Record<string, unknown> = { bureau: context.bureau };
  // Every group object exists, so a missing 'holder.name' is reported as that, not as 'holder'.
  for (const field of IMPORTED_FIELDS) setPath(candidate, field.path, undefined);
  for (const { field, columns } of context.plan) {
    const cell = columns.map((column) => source.cells[column]).find((value) => !isBlank(value));
    if (cell instanceof UnreadableCell) {
      problems.push({ line, field, reason: cell.reason });
      unreadableFields.add(field);
    } else if (cell !== undefined) {
      setPath(candidate, field, normalised(field, cell));
    }
  }

  const parsed = RegisterLicenceBody.safeParse(candidate);
  if (!parsed.success) {
    for (const problem of fieldProblems(parsed.error)) {
      if (!unreadableFields.has(problem.path)) problems.push({ line, field: problem.path, reason: problem.message });
    }
  }

  const licenceType = candidate.licenceType;
  if (
    context.knownLicenceType &&
    typeof licenceType === 'string' &&
    !problems.some((problem) => problem.field === 'licenceType') &&
    !context.knownLicenceType(context.bureau, licenceType)
  ) {
    problems.push({ line, field: 'licenceType', reason: `"${licenceType}" is neither a licence name nor a code in bureau ${context.bureau}'s catalogue` });
  }

  const licenceNumber = candidate.licenceNumber;
  if (typeof licenceNumber === 'string') {
    const firstLine = context.firstLineOfNumber.get(licenceNumber);
    if (firstLine === undefined) context.firstLineOfNumber.set(licenceNumber, line);
    else problems.push({ line, field: 'licenceNumber', reason: `repeats the licence number of line ${firstLine}; each licence may appear once in a file` });
  }

  if (parsed.success && problems.length === 0) return { line, ok: true, body: parsed.data };
  return { line, ok: false, problems };
}

function setPath(target: Record<string, unknown>, fieldPath: string, value: string | undefined): void {
  const segments = fieldPath.split('.');
  const leaf = segments.pop() ?? fieldPath;
  let parent = target;
  for (const segment of segments) {
    const child = parent[segment];
    if (typeof child === 'object' && child !== null) parent = child as Record<string, unknown>;
    else parent = parent[segment] = {};
  }
  if (value !== undefined) parent[leaf] = value;
}

function normalised(field: string, cell: string): string {
  const value = cell.trim();
  if (DATE_FIELDS.has(field)) return calendarDateOf(value);
  // Exports write the same number as '138 0013 8000', '138-0013-8000' or '0631-5201234'.
  if (PHONE_FIELDS.has(field)) return value.replace(/[\s－-]/g, '');
  return value;
}

const DATE_WRITINGS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/,
];

/**
 * Rewrites the date forms exports use as YYYY-MM-DD by padding alone: going through a Date would
 * turn an impossible 2023-02-30 into 2023-03-02, and the schema must see it to refuse it.
 */
function calendarDateOf(text: string): string {
  for (const writing of DATE_WRITINGS) {
    const match = writing.exec(text);
    if (match) {
      const [, year = '', month = '', day = ''] = match;
      return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    }
  }
  // Left as written: the schema's refusal says which form to use.
  return text;
}

function asReadable(input: NodeJS.ReadableStream): Readable {
  return input instanceof Readable ? input : Readable.from(input, { objectMode: false });
}

// csv-parse counts the CR and the LF of a CRLF inside a quoted value as two lines; every such
// pair shifts its count for the rest of the file.
class CsvLineCounter {
  private surplus = 0;

  /** The line a record starts on, from csv-parse's count of lines up to the record's end. */
  startOf(reportedEndLine: number, fields: string[]): number {
    let breaks = 0;
    for (const field of fields) {
      breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
      this.surplus += field.match(/\r\n/g)?.length ?? 0;
    }
    return reportedEndLine - this.surplus - breaks;
  }
}

interface CsvRecord {
  record: string[];
  info: Info;
}

async function* csvRows(source: Readable): AsyncGenerator<SourceRow> {
  // The column count stays strict, but a row of the wrong width is that row's problem rather than
  // the end of the import: csv-parse hands such rows here, and they are reported in file order.
  const skipped: CsvError[] = [];
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: false,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) skipped.push(error);
      return undefined;
    },
  });
  source.on('error', (error: Error) => parser.destroy(error));
  source.pipe(parser);

  const lines = new CsvLineCounter();
  let headerWidth = 0;
  function* skippedBefore(reportedLine: number): Generator<SourceRow> {
    while (skipped.length > 0 && Number(skipped[0]?.lines) < reportedLine) {
      const error = skipped.shift() as CsvError;
      if (error.code !== 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') throw new Error(`the CSV file cannot be read: ${error.message}`);
      const fields = Array.isArray(error.record) ? error.record.map(String) : [];
      const line = lines.startOf(Number(error.lines), fields);
      if (fields.every(isBlank)) continue;
      yield {
        line,
        cells: fields,
        rowProblem: `has ${fields.length} values where the header has ${headerWidth} columns; a value containing a comma must be in double quotes`,
      };
    }
  }

  for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
    yield* skippedBefore(info.lines);
    if (headerWidth === 0) headerWidth = record.length;
    yield { line: lines.startOf(info.lines, record), cells: record };
  }
  yield* skippedBefore(Number.POSITIVE_INFINITY);
}

async function* xlsxRows(source: Readable): AsyncGenerator<SourceRow> {
  // exceljs ignores errors of the stream it reads and would wait for ever on a file that cannot be
  // read; ending its input instead makes it stop, and the cause is rethrown below.
  let sourceError: unknown;
  const zipInput = new PassThrough();
  source.on('error', (error: Error) => {
    sourceError = error;
    zipInput.end();
  });
  source.pipe(zipInput);
  // Styles are needed to tell date cells from numbers; hyperlinks are read as their text.
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(zipInput, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore' });
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet) {
        const cells: CellText[] = [];
        for (let column = 1; column <= row.cellCount; column++) cells.push(xlsxCellText(row.getCell(column).value));
        yield { line: row.number, cells };
      }
      break;
    }
  } catch (error) {
    throw sourceError ?? new Error(`the file is not a readable .xlsx workbook: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (sourceError) throw sourceError;
}

// Excel keeps 15 significant digits: a longer number (an ID typed into a number cell) has lost its tail.
const EXACT_EXCEL_NUMBER_LIMIT = 1e15;

function xlsxCellText(value: ExcelJS.CellValue): CellText {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Math.abs(value) >= EXACT_EXCEL_NUMBER_LIMIT) {
      return new UnreadableCell('is a number too long for Excel to keep exactly; format the column as text and enter the value again');
    }
    // A phone number 13800138000 in a number cell is text here, without any '.0'.
    return String(value);
  }
  if (value instanceof Date) {
    // Excel dates carry no time zone: exceljs puts them at UTC midnight, so the UTC date is the one shown.
    return Number.isNaN(value.getTime()) ? new UnreadableCell('is not a valid Excel date') : value.toISOString().slice(0, 10);
  }
  if ('error' in value) return new UnreadableCell(`is the Excel error ${value.error}`);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return xlsxCellText(value.text);
  if ('formula' in value || 'sharedFormula' in value) return xlsxCellText(value.result);
  return undefined;
}
