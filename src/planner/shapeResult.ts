import neo4j from 'neo4j-driver';
import { InvariantError } from '../errors.js';
import type { Row } from './row.js';
import { encodeCursor, type CursorKey } from './cursor.js';
import type { ConnectionPlan, NodePlan } from './plan.js';
import type { PropertySpec } from '../model/graphModel.js';

/** Marks objects the planner shaped: their fields are keyed by response key, not field name. */
export const PLANNED = Symbol('claimgraph.planned');

/** neo4j-driver values as plain JSON-ready values: integers to numbers, temporals to ISO strings, points to lat/lon. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // Most values are strings, numbers, plain maps and lists (dates leave Neo4j as strings): the driver's
  // own types are looked for only on objects that are not plain.
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
    if (neo4j.isDate(value) || neo4j.isLocalDateTime(value) || neo4j.isLocalTime(value)) return String(value);
    if (neo4j.isDateTime(value)) return new Date(String(value)).toISOString();
    if (neo4j.isPoint(value)) {
      const p = value as { x: number; y: number };
      return { latitude: p.y, longitude: p.x };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toPlain(v);
  return out;
}

function planned<T extends object>(object: T): T {
  Object.defineProperty(object, PLANNED, { value: true, enumerable: false });
  return object;
}

/** Shapes a projected node (already plain) into the row resolvers read. */
export function shapeNode(raw: unknown, plan: NodePlan): Row | null {
  if (raw === null || raw === undefined) return null;
  const row = raw as Row;
  const variant = plan.variants.find((v) => v.label === row.__typename);
  if (!variant) throw new InvariantError(`no plan for a ${row.__typename} row`);
  for (const field of variant.fields) {
    if (field.kind === 'one') row[field.key] = shapeNode(row[field.key], field.target);
    else if (field.kind === 'connection') row[field.key] = shapeConnection(row[field.key], field);
  }
  return planned(row);
}

interface RawPage {
  rows: Array<Record<string, unknown> & { __key: CursorKey }>;
  total?: number;
}

/**
 * An edge's keys, each once, in the order the key's enum declares them (LOCATION before OBJECT when the
 * enum says so), or by name for a key that is not an enum, so clients can compare lists as they come.
 */
export function keysInOrder(raw: unknown, spec: PropertySpec): string[] {
  const keys = [...new Set((Array.isArray(raw) ? raw : []).filter((k): k is string => typeof k === 'string'))];
  if (spec.kind !== 'enum') return keys.sort();
  const rank = (k: string) => {
    const i = spec.values.indexOf(k);
    return i < 0 ? spec.values.length : i;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Shapes a fetched page (first rows, + 1 when hasNextPage is asked for) into a Relay connection under the selection's response keys. */
export function shapeConnection(raw: unknown, plan: ConnectionPlan): Row {
  const page = raw as RawPage;
  const rows = page.rows.slice(0, plan.first);
  const edges = rows.map((rawEdge) => {
    const edge: Row = {};
    for (const field of plan.edgeFields) {
      if (field.kind === 'cursor') edge[field.key] = encodeCursor(rawEdge.__key, plan.ordering);
      else if (field.kind === 'value') edge[field.key] = rawEdge[field.key];
      else if (field.kind === 'keys') {
        const keys = keysInOrder(rawEdge[field.key], field.spec);
        edge[field.key] = field.all ? keys : (keys[0] ?? null);
      }
      else edge[field.key] = shapeNode(rawEdge[field.key], field.target);
    }
    return planned(edge);
  });
  // Cursors are encoded only when asked for (the Cypher returns no keys otherwise).
  const pageInfo = plan.pageInfoKeys.length
    ? {
        hasNextPage: page.rows.length > plan.first,
        // Forward paging only: there is a previous page exactly when this one starts after a cursor.
        hasPreviousPage: plan.after !== null,
        startCursor: plan.pageCursors && rows.length ? encodeCursor(rows[0].__key, plan.ordering) : null,
        endCursor: plan.pageCursors && rows.length ? encodeCursor(rows[rows.length - 1].__key, plan.ordering) : null,
      }
    : null;
  const connection: Row = {};
  for (const key of plan.edgesKeys) connection[key] = edges;
  for (const key of plan.pageInfoKeys) connection[key] = pageInfo;
  for (const key of plan.totalCountKeys) connection[key] = page.total;
  return planned(connection);
}
