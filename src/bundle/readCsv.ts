import { Readable } from 'node:stream';
import { parse, type CsvError, type InfoField } from 'csv-parse';
import type { Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import { csvColumnsOf, decodeCell, headerType, setColumnValue, type CsvColumn, type CsvType } from './csvColumns.js';
import { MAX_RECORD_CHARS, type BundleIssue, type ByteSource, type RecordItem, type RecordLocation } from './records.js';
import { Utf8LineDecoder } from './utf8.js';
import { FORBIDDEN_KEYS, forbiddenKeyMessage } from '../validation/textRules.js';

/**
 * Reads CSV files in the neo4j-admin import header format (see csvColumns.ts). A file with an `id:ID`
 * column holds nodes (its `:LABEL` column names each row's label); one with `:START_ID`, `:END_ID` and
 * `:TYPE` holds relationships. Rows become bundle records; problems name the file, line and column.
 */

const QUOTED_EMPTY = Symbol('quoted empty');
type Cell = string | typeof QUOTED_EMPTY;

export type CsvFileKind = 'nodes' | 'relationships';

/** Which kind of file a header row describes, or a message saying why it is neither. */
export function csvFileKind(header: readonly string[]): CsvFileKind | { error: string } {
  const types = header.map((h) => h.slice(h.indexOf(':') + 1).toUpperCase());
  if (types.includes('START_ID') || types.includes('END_ID')) return 'relationships';
  if (header.some((h) => h.includes(':') && h.slice(h.indexOf(':') + 1).toUpperCase().startsWith('ID'))) return 'nodes';
  return { error: 'the header has neither an id:ID column (a nodes file) nor :START_ID and :END_ID columns (a relationships file)' };
}

function parser(onSkip?: (error: CsvError) => void) {
  return parse({
    on_skip: (error: CsvError | undefined) => {
      if (error) onSkip?.(error);
      return undefined;
    },
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    cast: (value: string, context: InfoField) => (context.quoting && value === '' ? (QUOTED_EMPTY as unknown as string) : value),
  });
}

/** The header row of a CSV file (or null when it has none). */
export async function readCsvHeader(bytes: ByteSource): Promise<string[] | null> {
  const decoder = new Utf8LineDecoder();
  const p = parser();
  const text = Readable.from(
    (async function* () {
      for await (const chunk of bytes) yield decoder.decode(chunk);
      yield decoder.end();
    })(),
  );
  text.pipe(p);
  try {
    for await (const row of p as AsyncIterable<{ record: Cell[] }>) {
      return row.record.map((c) => (c === QUOTED_EMPTY ? '' : c));
    }
    return null;
  } finally {
    text.destroy();
    p.destroy();
  }
}

interface Layout {
  kind: CsvFileKind;
  /** The labels (nodes) or relationship types (relationships) the model knows. */
  owners: Set<string>;
  /** Column index of the id / label / start / end / type cells. */
  id: number;
  label: number;
  start: number;
  end: number;
  type: number;
  /** Property columns: their index, header text, and the column model per label or edge type that has it. */
  props: Array<{ index: number; header: string; byOwner: Map<string, CsvColumn> }>;
  /** Header text of each stored property name, for error paths. */
  headerOf: Map<string, string>;
}

function layoutOf(header: string[], model: GraphModel, file: string): Layout | BundleIssue[] {
  const issues: BundleIssue[] = [];
  const at = (field: string, message: string) => issues.push({ file, line: 1, path: field, message });
  const kind = csvFileKind(header);
  if (typeof kind !== 'string') {
    at('(header)', kind.error);
    return issues;
  }
  const layout: Layout = { kind, owners: new Set(kind === 'nodes' ? model.nodes.keys() : model.edges.keys()), id: -1, label: -1, start: -1, end: -1, type: -1, props: [], headerOf: new Map() };
  const owners: Array<[string, CsvColumn[]]> =
    kind === 'nodes'
      ? [...model.nodes].map(([label, m]) => [label, csvColumnsOf(m.properties)])
      : [...model.edges].map(([type, m]) => [type, csvColumnsOf(m.properties)]);
  const seen = new Set<string>();
  header.forEach((cell, index) => {
    const colon = cell.indexOf(':');
    const name = colon === -1 ? cell : cell.slice(0, colon);
    const suffix = colon === -1 ? '' : cell.slice(colon + 1);
    const special = suffix.toUpperCase();
    if (FORBIDDEN_KEYS.has(name)) return at(cell, forbiddenKeyMessage(name));
    if (seen.has(name) && name !== '') return at(cell, 'column given twice');
    seen.add(name);
    if (special === 'IGNORE') return;
    if (kind === 'nodes' && special.startsWith('ID')) {
      if (special !== 'ID') return at(cell, 'id groups are not used: write id:ID');
      if (name !== 'id') return at(cell, 'the id column must be named id:ID');
      layout.id = index;
      layout.headerOf.set('id', cell);
      return;
    }
    if (kind === 'nodes' && special === 'LABEL') {
      layout.label = index;
      layout.headerOf.set('label', cell);
      return;
    }
    if (kind === 'relationships' && (special === 'START_ID' || special === 'END_ID' || special === 'TYPE')) {
      if (special.includes('(')) return at(cell, 'id groups are not used');
      if (special === 'START_ID') layout.start = index;
      if (special === 'END_ID') layout.end = index;
      if (special === 'TYPE') layout.type = index;
      layout.headerOf.set(special === 'START_ID' ? 'from' : special === 'END_ID' ? 'to' : 'type', cell);
      return;
    }
    if (name === '') return at(cell, 'unknown special column');
    if (name === 'createdAt' || name === 'updatedAt') return at(cell, 'times of record are set by claimgraph and cannot be imported');
    const type: CsvType | null = headerType(suffix);
    if (!type) return at(cell, `unknown column type "${suffix}"`);
    const byOwner = new Map<string, CsvColumn>();
    let wrongType: CsvColumn | undefined;
    for (const [owner, columns] of owners) {
      const column = columns.find((c) => c.name === name);
      if (!column) continue;
      if (column.type === type) byOwner.set(owner, column);
      else wrongType = column;
    }
    if (!byOwner.size) {
      if (wrongType) return at(cell, `wrong type: write ${name}${wrongType.type === 'string' ? '' : `:${wrongType.type}`}`);
      return at(cell, `unknown property ${name}; no ${kind === 'nodes' ? 'label' : 'relationship type'} has it`);
    }
    layout.props.push({ index, header: cell, byOwner });
    layout.headerOf.set(name, cell);
  });
  if (kind === 'nodes') {
    if (layout.id === -1) at('id:ID', 'a nodes file needs an id:ID column');
    if (layout.label === -1) at(':LABEL', 'a nodes file needs a :LABEL column');
  } else {
    if (layout.start === -1) at(':START_ID', 'a relationships file needs a :START_ID column');
    if (layout.end === -1) at(':END_ID', 'a relationships file needs an :END_ID column');
    if (layout.type === -1) at(':TYPE', 'a relationships file needs a :TYPE column');
  }
  return issues.length ? issues : layout;
}

/** Maps a path inside a bundle record to the CSV column that holds it. */
function fieldMapper(layout: Layout, owner: string | undefined) {
  return (path: ReadonlyArray<string | number>): string => {
    const [first, second, third] = path;
    if (first !== 'properties') return layout.headerOf.get(String(first ?? '')) ?? String(first ?? '(row)');
    if (second === undefined) return '(row)';
    const name = String(second);
    const specOwnerColumns = owner
      ? layout.props.map((p) => p.byOwner.get(owner)).filter((c): c is CsvColumn => c !== undefined)
      : [];
    const partial = specOwnerColumns.find((c) => c.spec.name === name && c.role.kind === 'partialDate' && c.role.part === (third ?? 'start'));
    if (partial) return layout.headerOf.get(partial.name) ?? partial.name;
    if (third !== undefined && specOwnerColumns.some((c) => c.spec.name === name && c.role.kind === 'point')) {
      return layout.headerOf.get(name) ?? name;
    }
    const direct = layout.headerOf.get(name);
    if (direct) return direct;
    // a property the file has no column for (e.g. a required one): name it as it would be written
    return third === undefined ? name : `${name}${String(third)[0].toUpperCase()}${String(third).slice(1)}`;
  };
}

/** Reads one CSV file; `name` is how errors name it. */
export async function* readCsvFile(bytes: ByteSource, name: string, model: GraphModel): AsyncGenerator<RecordItem> {
  const decoder = new Utf8LineDecoder();
  let quoteError: BundleIssue | null = null;
  const skipped: BundleIssue[] = [];
  const p = parser((error) => {
    const issue = { file: name, line: (error as CsvError & { lines?: number }).lines, path: '(row)', message: csvMessage(error) };
    if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || error.code === 'CSV_MAX_RECORD_SIZE') skipped.push(issue);
    else quoteError ??= issue;
  });
  const text = Readable.from(
    (async function* () {
      for await (const chunk of bytes) yield decoder.decode(chunk);
      yield decoder.end();
    })(),
  );
  text.on('error', (error) => p.destroy(error));
  text.pipe(p);
  let layout: Layout | null = null;
  try {
    for await (const row of p as AsyncIterable<{ record: Cell[]; info: { lines: number } }>) {
      while (skipped.length) yield { kind: 'issue', issue: skipped.shift()! };
      if (quoteError) break;
      const cells = row.record;
      const newlines = cells.reduce<number>((n, c) => n + (c === QUOTED_EMPTY ? 0 : countNewlines(c)), 0);
      const line = row.info.lines - newlines;
      if (!layout) {
        const result = layoutOf(cells.map((c) => (c === QUOTED_EMPTY ? '' : c)), model, name);
        if (Array.isArray(result)) {
          for (const issue of result) yield { kind: 'issue', issue };
          return;
        }
        layout = result;
        continue;
      }
      if (decoder.hasInvalid(line, row.info.lines)) {
        const at = decoder.invalid.find((x) => x.line >= line && x.line <= row.info.lines)!;
        const column = cells.findIndex((c) => c !== QUOTED_EMPTY && c.includes('\uFFFD'));
        const field = column === -1 ? '(row)' : layout.props.find((x) => x.index === column)?.header ?? headerAt(layout, column);
        yield { kind: 'issue', issue: { file: name, line: at.line, path: field, message: `invalid UTF-8 (byte ${at.byte})` } };
        continue;
      }
      yield* rowToRecord(layout, cells, name, line);
    }
    while (skipped.length) yield { kind: 'issue', issue: skipped.shift()! };
    if (quoteError) yield { kind: 'issue', issue: quoteError };
    if (!layout && !quoteError) yield { kind: 'issue', issue: { file: name, line: 1, path: '(header)', message: 'the file is empty: it needs a header row' } };
  } finally {
    text.destroy();
    p.destroy();
  }
}

function headerAt(layout: Layout, column: number): string {
  for (const [key, header] of layout.headerOf) {
    if ((key === 'id' && layout.id === column) || (key === 'label' && layout.label === column)) return header;
    if ((key === 'from' && layout.start === column) || (key === 'to' && layout.end === column) || (key === 'type' && layout.type === column)) return header;
  }
  return `(column ${column + 1})`;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function csvMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'bad CSV quoting: a quoted field is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'bad CSV quoting: a closing quote is followed by something other than a delimiter (write "" for a quote inside a quoted field)';
    case 'INVALID_OPENING_QUOTE':
      return 'bad CSV quoting: a quote inside an unquoted field (quote the whole field and write "" for the quote)';
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'the row has a different number of fields than the header';
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${MAX_RECORD_CHARS} characters`;
    default:
      return `bad CSV: ${error.message.replace(/\s+at line \d+.*$/s, '')}`;
  }
}

function* rowToRecord(layout: Layout, cells: Cell[], file: string, line: number): Generator<RecordItem> {
  const text = (index: number): string | undefined => {
    const c = cells[index];
    return c === undefined || c === QUOTED_EMPTY ? (c === QUOTED_EMPTY ? '' : undefined) : c;
  };
  const owner = layout.kind === 'nodes' ? text(layout.label) : text(layout.type);
  const loc: RecordLocation = { file, line, path: '', fieldOf: fieldMapper(layout, owner) };
  const issues: BundleIssue[] = [];
  const properties: Record<string, unknown> = {};
  if (owner !== undefined && owner !== '') {
    const known = layout.owners.has(owner);
    for (const prop of layout.props) {
      const raw = cells[prop.index];
      if (raw === undefined || raw === '') continue;
      const column = known ? prop.byOwner.get(owner) : undefined;
      if (!column) {
        // an unknown label or type is reported by the validator; a known one without this property here
        if (known) issues.push({ file, line, path: prop.header, message: `${owner} has no property ${prop.header.split(':')[0]}` });
        continue;
      }
      const decoded = decodeCell(column, raw === QUOTED_EMPTY ? '' : raw, raw === QUOTED_EMPTY);
      if (!decoded) continue;
      if ('error' in decoded) issues.push({ file, line, path: prop.header, message: decoded.error });
      else setColumnValue(column, properties, decoded.value);
    }
  }
  if (issues.length) {
    for (const issue of issues) yield { kind: 'issue', issue };
    return;
  }
  if (layout.kind === 'nodes') {
    const value: Record<string, unknown> = { label: owner as Label, id: text(layout.id), properties };
    yield { kind: 'node', value, loc };
  } else {
    yield { kind: 'edge', value: { type: owner, from: text(layout.start), to: text(layout.end), properties }, loc };
  }
}
