/**
 * Metric values from a CSV file: a header row `date,metric,value` (and optionally `count`,
 * `department`, `source`, in any order), one value per row. Parsed with csv-parse; every problem
 * names its line and column; the import is all or nothing (through MetricsIngest).
 */
import { parse } from 'csv-parse/sync';

export const CSV_REQUIRED = ['date', 'metric', 'value'] as const;
export const CSV_OPTIONAL = ['count', 'department', 'source'] as const;
const KNOWN: readonly string[] = [...CSV_REQUIRED, ...CSV_OPTIONAL];
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface CsvRows {
  /** The header's column names, in file order. */
  columns: string[];
  /** One item per well-formed data row, with the line it ends on. */
  rows: Array<{ line: number; item: Record<string, unknown>; cells: Record<string, string> }>;
  /** What is wrong with the file itself (the header, a row's number of cells), by line. */
  problems: Array<{ line: number; column: number; text: string }>;
  /** False when the header is broken: the rows mean nothing then. */
  usable: boolean;
}

/** The CSV's rows as metric items (numbers where the cell is one), and what is wrong with the file itself. */
export function readMetricsCsv(text: string): CsvRows {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    return { columns: [], rows: [], problems: [{ line: e.lines ?? 0, column: 0, text: `line ${e.lines ?? '?'}: ${e.message ?? String(error)}` }], usable: false };
  }
  const [header, ...data] = records;
  if (!header) return { columns: [], rows: [], problems: [{ line: 1, column: 0, text: 'the file is empty: it needs a header row "date,metric,value" and one row per value' }], usable: false };
  const columns = header.record.map((c) => c.toLowerCase());
  const problems: CsvRows['problems'] = [];
  const line = header.info.lines;
  columns.forEach((c, i) => {
    if (!KNOWN.includes(c)) problems.push({ line, column: i + 1, text: `line ${line}, column ${i + 1} (${c || 'empty'}): unknown column; the columns are ${KNOWN.join(', ')}` });
    else if (columns.indexOf(c) !== i) problems.push({ line, column: i + 1, text: `line ${line}, column ${i + 1} (${c}): the column appears twice` });
  });
  for (const required of CSV_REQUIRED) {
    if (!columns.includes(required)) problems.push({ line, column: 0, text: `line ${line}: the header has no "${required}" column (it needs date, metric and value)` });
  }
  const usable = problems.length === 0;
  if (data.length === 0) problems.push({ line: line + 1, column: 0, text: 'the file has a header but no rows' });
  const rows: CsvRows['rows'] = [];
  for (const { record, info } of data) {
    if (record.length !== columns.length) {
      problems.push({ line: info.lines, column: 0, text: `line ${info.lines}: ${record.length} cells, but the header has ${columns.length} columns` });
      continue;
    }
    const item: Record<string, unknown> = {};
    const cells: Record<string, string> = {};
    record.forEach((cell, i) => {
      const column = columns[i] as string;
      cells[column] = cell;
      if (cell === '' || !KNOWN.includes(column)) return;
      item[column] = (column === 'value' || column === 'count') && NUMBER.test(cell) ? Number(cell) : cell;
    });
    rows.push({ line: info.lines, item, cells });
  }
  return { columns, rows, problems, usable };
}

/** Every problem of the file and of its items (whose index is their line), by line and column: `line 4, column 3 (value): …`. */
export function csvProblems(csv: CsvRows, items: ReadonlyArray<{ index: number; field: string; message: string }>): string[] {
  const all = [...csv.problems];
  for (const problem of items) {
    const column = csv.columns.indexOf(problem.field);
    const cell = csv.rows.find((r) => r.line === problem.index)?.cells[problem.field];
    const got = cell !== undefined && cell !== '' && !problem.message.includes('got ') ? ` (got "${cell}")` : '';
    const where = column >= 0 ? `line ${problem.index}, column ${column + 1} (${problem.field})` : `line ${problem.index}`;
    all.push({ line: problem.index, column: column + 1, text: `${where}: ${column >= 0 ? problem.message : `${problem.field} ${problem.message}`}${got}` });
  }
  return all.sort((a, b) => a.line - b.line || a.column - b.column).map((p) => p.text);
}
