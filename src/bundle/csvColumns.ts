import type { PropertySpec, ScalarKind } from '../model/graphModel.js';

/**
 * The CSV columns of claimgraph's node and relationship files, in the neo4j-admin import header format:
 * `id:ID,:LABEL,name,aliases:string[],statedAtStart:date,location:point,charStart:int,...` for nodes and
 * `:START_ID,:END_ID,:TYPE,role,...` for relationships. Partial dates are flattened into their five
 * stored properties and points take neo4j-admin's `{latitude:…, longitude:…}` syntax, so a claimgraph
 * export loads with `neo4j-admin database import` as it is and reads back into claimgraph unchanged.
 */

export type CsvType = 'string' | 'string[]' | 'int' | 'double' | 'boolean' | 'date' | 'datetime' | 'point';
type Part = 'start' | 'end' | 'precision' | 'raw' | 'relativeTo';

export interface CsvColumn {
  /** The stored property name, e.g. statedAtStart. */
  name: string;
  type: CsvType;
  spec: PropertySpec;
  /** What the column holds of the model property: the value, one part of a partial date, a point or its precision. */
  role: { kind: 'value' } | { kind: 'partialDate'; part: Part } | { kind: 'point' } | { kind: 'precisionM' };
}

export const ARRAY_DELIMITER = ';';

function scalarType(scalar: ScalarKind): CsvType {
  switch (scalar) {
    case 'int':
      return 'int';
    case 'float':
    case 'latitude':
    case 'longitude':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'dateTime':
      return 'datetime';
    default:
      return 'string';
  }
}

const PARTS: Array<[Part, string, CsvType]> = [
  ['start', 'Start', 'date'],
  ['end', 'End', 'date'],
  ['precision', 'Precision', 'string'],
  ['raw', 'Raw', 'string'],
  ['relativeTo', 'RelativeTo', 'date'],
];

/** The columns that store the given model properties, in model order. */
export function csvColumnsOf(specs: readonly PropertySpec[]): CsvColumn[] {
  const out: CsvColumn[] = [];
  for (const spec of specs) {
    switch (spec.kind) {
      case 'partialDate':
        for (const [part, suffix, type] of PARTS) out.push({ name: spec.name + suffix, type, spec, role: { kind: 'partialDate', part } });
        break;
      case 'geoPoint':
        out.push({ name: spec.name, type: 'point', spec, role: { kind: 'point' } });
        out.push({ name: `${spec.name}PrecisionM`, type: 'int', spec, role: { kind: 'precisionM' } });
        break;
      case 'stringList':
        out.push({ name: spec.name, type: 'string[]', spec, role: { kind: 'value' } });
        break;
      case 'enum':
        out.push({ name: spec.name, type: 'string', spec, role: { kind: 'value' } });
        break;
      case 'scalar':
        out.push({ name: spec.name, type: scalarType(spec.scalar), spec, role: { kind: 'value' } });
        break;
    }
  }
  return out;
}

/** The header cell of a column: plain for strings, name:type otherwise. */
export function headerCell(column: CsvColumn): string {
  return column.type === 'string' ? column.name : `${column.name}:${column.type}`;
}

/** The column type a header's type suffix names, or null when it is not one claimgraph can read. */
export function headerType(suffix: string): CsvType | null {
  switch (suffix.toLowerCase()) {
    case '':
    case 'string':
    case 'char':
      return 'string';
    case 'string[]':
      return 'string[]';
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
      return 'int';
    case 'float':
    case 'double':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'point':
      return 'point';
    default:
      return null;
  }
}

/** The value a column holds for a record's properties in bundle form (undefined when absent). */
export function columnValue(column: CsvColumn, props: Record<string, unknown>): unknown {
  const value = props[column.spec.name];
  switch (column.role.kind) {
    case 'value':
    case 'point':
      return value;
    case 'partialDate':
      return value && typeof value === 'object' ? (value as Record<string, unknown>)[column.role.part] : undefined;
    case 'precisionM':
      return props[`${column.spec.name}PrecisionM`];
  }
}

/** Puts a decoded cell into a record's properties in bundle form. */
export function setColumnValue(column: CsvColumn, props: Record<string, unknown>, value: unknown): void {
  switch (column.role.kind) {
    case 'value':
    case 'point':
      props[column.spec.name] = value;
      break;
    case 'partialDate': {
      const existing = props[column.spec.name];
      const date = (existing && typeof existing === 'object' ? existing : {}) as Record<string, unknown>;
      date[column.role.part] = value;
      props[column.spec.name] = date;
      break;
    }
    case 'precisionM':
      props[`${column.spec.name}PrecisionM`] = value;
      break;
  }
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A finite number as CSV writes it: JavaScript's shortest round-trip form (1e+21 and 5e-7 included). */
const numberCell = (n: number) => String(n);

/**
 * One CSV cell. Strings are always quoted, so an empty string ("") differs from an absent value (nothing),
 * as in neo4j-admin. Lists are joined with `;`, which must not occur inside an element.
 */
export function encodeCell(column: CsvColumn, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (column.type) {
    case 'string':
      return quote(String(value));
    case 'string[]': {
      const list = value as string[];
      const bad = list.find((s) => s.includes(ARRAY_DELIMITER));
      if (bad !== undefined) throw new CsvArrayDelimiterError(column.name, bad);
      return quote(list.join(ARRAY_DELIMITER));
    }
    case 'int':
    case 'double':
      return numberCell(value as number);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'date':
    case 'datetime':
      return String(value);
    case 'point': {
      const p = value as { latitude: number; longitude: number };
      return quote(`{latitude:${numberCell(p.latitude)}, longitude:${numberCell(p.longitude)}}`);
    }
  }
}

export class CsvArrayDelimiterError extends Error {
  override name = 'CsvArrayDelimiterError';
  constructor(
    readonly column: string,
    readonly element: string,
  ) {
    super(`${column}: the list element "${element.slice(0, 60)}" contains "${ARRAY_DELIMITER}", the CSV array delimiter; export this selection as JSON or NDJSON instead`);
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const POINT_FIELD = /^\s*(latitude|longitude|crs)\s*:\s*('[^']*'|"[^"]*"|[^,}\s]+)\s*$/i;

/** A cell decoded into its bundle value, or a message saying why it cannot be. `quoted` tells "" from nothing. */
export function decodeCell(column: CsvColumn, raw: string, quoted: boolean): { value: unknown } | { error: string } | null {
  if (raw === '' && !quoted) return null;
  switch (column.type) {
    case 'string':
      return { value: raw };
    case 'string[]':
      return { value: raw === '' ? [] : raw.split(ARRAY_DELIMITER) };
    case 'int':
      if (!INTEGER.test(raw.trim())) return { error: 'must be an integer' };
      return { value: Number(raw.trim()) };
    case 'double':
      if (!NUMBER.test(raw.trim())) return { error: 'must be a number' };
      return { value: Number(raw.trim()) };
    case 'boolean': {
      const b = raw.trim().toLowerCase();
      if (b !== 'true' && b !== 'false') return { error: 'must be true or false' };
      return { value: b === 'true' };
    }
    case 'date':
    case 'datetime':
      return { value: raw.trim() };
    case 'point': {
      const body = /^\s*\{(.*)\}\s*$/s.exec(raw);
      if (!body) return { error: 'must be a point like {latitude:50.0, longitude:37.6}' };
      const fields: Record<string, string> = {};
      for (const piece of body[1].split(',')) {
        const m = POINT_FIELD.exec(piece);
        if (!m) return { error: 'must be a point like {latitude:50.0, longitude:37.6}' };
        fields[m[1].toLowerCase()] = m[2].replace(/^['"]|['"]$/g, '');
      }
      if (fields.crs !== undefined && fields.crs.toLowerCase() !== 'wgs-84') return { error: 'must be a WGS-84 point' };
      if (!NUMBER.test(fields.latitude ?? '') || !NUMBER.test(fields.longitude ?? '')) {
        return { error: 'must have a numeric latitude and longitude' };
      }
      return { value: { latitude: Number(fields.latitude), longitude: Number(fields.longitude) } };
    }
  }
}
