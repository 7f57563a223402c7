import {
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { InvariantError } from '../../errors.js';
import { LABELS, type Label } from '../../ids.js';
import { collectFields, subSelections, type RequestScope } from '../../planner/collectFields.js';
import { planNode, type NodePlan } from '../../planner/plan.js';
import { printNode, type CypherWriter } from '../../planner/printCypher.js';
import { PLANNED, shapeNode, toPlain } from '../../planner/shapeResult.js';
import type { Row } from '../../planner/row.js';
import type { PreparedQuery } from '../../planner/planCache.js';
import type { Context } from '../../context.js';

/**
 * How the research queries reuse the planner. Their results are objects of their own (pairs, chains,
 * timeline edges) with graph nodes at some positions. The selection below the root field is read once into
 * a spec: plain values, nested objects, and node positions, each node position with a NodePlan. The query
 * then returns (1) a raw tree keyed by field name in which each node position holds only node ids, and (2)
 * for each node position, the projection of every node that stands there, printed by the planner. Shaping
 * joins the two into rows keyed by response key, as the planner's own rows are, so aliases and nested
 * connections below any node behave exactly as they do elsewhere.
 */

export interface NodePosition {
  /** Unique within one query; names the projection in the result. */
  id: string;
  /** Field names from the root field down to this position, e.g. ['edges', 'node', 'a']. */
  fieldPath: string[];
  plan: NodePlan;
}

export type FieldSpec =
  | { kind: 'value'; key: string; name: string }
  | { kind: 'node'; key: string; name: string; list: boolean; position: NodePosition }
  | { kind: 'object'; key: string; name: string; list: boolean; spec: ObjectSpec };

export interface ObjectSpec {
  typeName: string;
  fields: FieldSpec[];
}

export function scopeOf(info: GraphQLResolveInfo): RequestScope {
  return { schema: info.schema, fragments: info.fragments, variables: info.variableValues };
}

export function rootSelections(info: GraphQLResolveInfo): SelectionSetNode[] {
  return info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

/** True when a field of this type stands for a graph node: a label's type, or a union/interface of them. */
function isNodeType(type: GraphQLNamedType, schema: GraphQLSchema): boolean {
  if ((LABELS as readonly string[]).includes(type.name)) return true;
  return isAbstractType(type) && schema.getPossibleTypes(type).every((t) => (LABELS as readonly string[]).includes(t.name));
}

function isListOutput(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** Reads the selection on an object of `typeName` into a spec, planning every node position in it. */
export function specOf(
  scope: RequestScope,
  typeName: string,
  sets: readonly SelectionSetNode[],
  path: string,
  positions: NodePosition[] = [],
  fieldPath: string[] = [],
): ObjectSpec {
  const type = scope.schema.getType(typeName);
  if (!type || !isObjectType(type)) throw new InvariantError(`${typeName} is not an object type`);
  const fields: FieldSpec[] = [];
  for (const [key, nodes] of collectFields(type, sets, scope)) {
    const name = nodes[0].name.value;
    if (name === '__typename') continue;
    const def = type.getFields()[name];
    if (!def) throw new InvariantError(`${typeName}.${name} does not exist`);
    const named = getNamedType(def.type);
    const list = isListOutput(def.type);
    const here = [...fieldPath, name];
    if (isNodeType(named, scope.schema)) {
      const position: NodePosition = {
        id: `n${positions.length}`,
        fieldPath: here,
        plan: planNode(named, subSelections(nodes), scope, `${path}.${here.join('.')}`),
      };
      positions.push(position);
      fields.push({ kind: 'node', key, name, list, position });
    } else if (isObjectType(named)) {
      fields.push({ kind: 'object', key, name, list, spec: specOf(scope, named.name, subSelections(nodes), path, positions, here) });
    } else {
      fields.push({ kind: 'value', key, name });
    }
  }
  return { typeName, fields };
}

/** Every node position in a spec, in the order they were planned. */
export function positionsIn(spec: ObjectSpec, out: NodePosition[] = []): NodePosition[] {
  for (const field of spec.fields) {
    if (field.kind === 'node') out.push(field.position);
    else if (field.kind === 'object') positionsIn(field.spec, out);
  }
  return out;
}

/** Whether any field at `fieldPath` (field names) is selected. */
export function selects(spec: ObjectSpec, fieldPath: string[]): boolean {
  const [head, ...rest] = fieldPath;
  return spec.fields.some(
    (f) => f.name === head && (rest.length === 0 || (f.kind === 'object' && selects(f.spec, rest))),
  );
}

/** True when the position's field path ends with `tail` (field names). */
export function endsWith(position: NodePosition, ...tail: string[]): boolean {
  const p = position.fieldPath;
  return p.length >= tail.length && tail.every((name, i) => p[p.length - tail.length + i] === name);
}

/**
 * A CALL subquery projecting every distinct node in list variable `list` with `plan`; binds `out` to a list
 * of {id, data}. The node variable is imported alone, so the planner's subqueries see only it.
 */
export function printListProjection(list: string, plan: NodePlan, w: CypherWriter): { subquery: string; out: string } {
  const item = w.variable('pn');
  const out = w.variable('px');
  const node = printNode(plan, item, w);
  const subquery = [
    `CALL {`,
    `  WITH ${list}`,
    `  UNWIND ${list} AS ${item}`,
    `  WITH DISTINCT ${item} WHERE ${item} IS NOT NULL`,
    ...indent(node.subqueries),
    `  RETURN collect({id: ${item}.id, data: ${node.projection}}) AS ${out}`,
    `}`,
  ].join('\n');
  return { subquery, out };
}

export function indent(blocks: string[], by = '  '): string[] {
  return blocks.flatMap((b) => b.split('\n').map((line) => `${by}${line}`));
}

export type Projections = Map<string, Map<string, Row>>;

/** Shapes the projections returned for each position: position id → node id → row. */
export function shapeProjections(raw: Record<string, unknown>, positions: NodePosition[]): Projections {
  const out: Projections = new Map();
  for (const position of positions) {
    const byId = new Map<string, Row>();
    for (const entry of (toPlain(raw[position.id]) as Array<{ id: string; data: unknown }> | null) ?? []) {
      const row = shapeNode(entry.data, position.plan);
      if (row) byId.set(entry.id, row);
    }
    out.set(position.id, byId);
  }
  return out;
}

function markPlanned<T extends object>(object: T): T {
  Object.defineProperty(object, PLANNED, { value: true, enumerable: false });
  return object;
}

/**
 * Builds the response object for `spec` from a raw object keyed by field name, in which node positions hold
 * node ids. Rows are keyed by response key and marked as planned, so the default field resolver reads them
 * by response key.
 */
export function build(spec: ObjectSpec, raw: Record<string, unknown>, projections: Projections): Row {
  const row: Row = {};
  for (const field of spec.fields) {
    const value = raw[field.name];
    if (field.kind === 'value') row[field.key] = value ?? null;
    else if (field.kind === 'node') {
      const byId = projections.get(field.position.id) ?? new Map<string, Row>();
      const lookup = (id: unknown) => {
        if (id === null || id === undefined) return null;
        const found = byId.get(id as string);
        if (!found) throw new InvariantError(`no projection of ${String(id)} at ${field.position.fieldPath.join('.')}`);
        return found;
      };
      row[field.key] = field.list ? ((value as unknown[] | null) ?? []).map(lookup) : lookup(value);
    } else {
      const make = (v: unknown) => (v === null || v === undefined ? null : build(field.spec, v as Record<string, unknown>, projections));
      row[field.key] = field.list ? ((value as unknown[] | null) ?? []).map(make) : make(value);
    }
  }
  return markPlanned(row);
}

/** The labels of the types a node position can hold (for its projection list). */
export function labelsOf(position: NodePosition): Label[] {
  return position.plan.variants.map((v) => v.label);
}

/**
 * The raw connection for a page fetched as first + 1 rows: edges (with their cursors) and pageInfo, keyed by
 * field name for `build`. Forward paging only, as everywhere else.
 */
export function rawConnection<T extends Record<string, unknown>>(
  rows: T[],
  first: number,
  hasCursor: boolean,
  total: number,
  cursorOf: (row: T) => string,
): Record<string, unknown> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ ...row, cursor: cursorOf(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hasCursor,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: total,
  };
}

/** What shaping a paged research query's result needs, decided when the query is planned. */
export interface PagedPlan {
  spec: ObjectSpec;
  positions: NodePosition[];
  first: number;
  paged: boolean;
}

/**
 * The closing lines of a paged research query: the subqueries projecting its page's nodes, then one row
 * with the page (`rows`), the total (`size(found)`) and the projections by position.
 */
export function pagedReturn(projections: ReadonlyArray<{ position: NodePosition; subquery: string; out: string }>): string[] {
  return [
    ...projections.map((p) => p.subquery),
    `RETURN rows, size(found) AS total, {${projections.map((p) => `${p.position.id}: ${p.out}`).join(', ')}} AS projections`,
  ];
}

/** Runs a prepared paged research query (one round trip) and returns its rows, total and shaped projections. */
export async function runPaged<R>(ctx: Context, query: PreparedQuery<PagedPlan>): Promise<{ rows: R[]; total: number; shaped: Projections }> {
  const record = (await ctx.db.read(query.cypher, query.params)).records[0];
  return {
    rows: toPlain(record.get('rows')) as R[],
    total: toPlain(record.get('total')) as number,
    shaped: shapeProjections(toPlain(record.get('projections')) as Record<string, unknown>, query.plan.positions),
  };
}
