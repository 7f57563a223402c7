import neo4j from 'neo4j-driver';
import type { Label } from '../ids.js';
import type { PropertySpec } from '../model/graphModel.js';
import type { Visibility } from '../auth/visibility.js';
import { edgePredicate, enumLiteral, nodePredicate } from './printFilter.js';
import { centreExpression, computedExpression } from './computedFields.js';
import type { ConnectionPlan, FieldPlan, NodePlan, SortKey } from './plan.js';

/**
 * Prints a plan as one Cypher query. Every user value is a parameter; labels, relationship types and
 * property names come from the plan, which took them from the SDL's graph model.
 */

export interface PrintedQuery {
  cypher: string;
  params: Record<string, unknown>;
}

/** Backtick-quotes a name from the model (never from user input) for use as a key or property. */
const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const labelExpr = (labels: readonly Label[]) => labels.map(q).join('|');

export class CypherWriter {
  readonly params: Record<string, unknown> = {};
  private counter = 0;
  /** `visibility`: what the principal the query runs for may see; its markings are one parameter. */
  constructor(readonly visibility: Visibility) {}
  /**
   * The predicate "node variable `v` (one of `labels`; null: any) is visible to the principal", or null when
   * it always holds. The markings become a parameter the first time a predicate is written.
   */
  visible(v: string, labels: readonly Label[] | null): string | null {
    const predicate = this.visibility.predicate(v, labels);
    if (predicate) Object.assign(this.params, this.visibility.params());
    return predicate;
  }
  param(value: unknown): string {
    const name = `p${this.counter++}`;
    this.params[name] = value;
    return `$${name}`;
  }
  variable(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
}

/** The Cypher expression reading one model property of a node or relationship variable. */
export function valueExpression(v: string, spec: PropertySpec): string {
  switch (spec.kind) {
    case 'stringList':
      return `coalesce(${v}.${q(spec.name)}, [])`;
    case 'partialDate': {
      const p = (part: string) => `${v}.${q(spec.name + part)}`;
      return (
        `CASE WHEN ${p('Start')} IS NULL THEN null ELSE {start: ${p('Start')}, end: ${p('End')}, ` +
        `precision: ${p('Precision')}, raw: ${p('Raw')}, relativeTo: ${p('RelativeTo')}} END`
      );
    }
    case 'geoPoint': {
      const point = `${v}.${q(spec.name)}`;
      return (
        `CASE WHEN ${point} IS NULL THEN null ELSE {latitude: ${point}.latitude, longitude: ${point}.longitude, ` +
        `precisionM: ${v}.${q(spec.name + 'PrecisionM')}} END`
      );
    }
    case 'enum':
      return spec.default === undefined ? `${v}.${q(spec.name)}` : `coalesce(${v}.${q(spec.name)}, ${enumLiteral(spec.default)})`;
    default:
      return `${v}.${q(spec.name)}`;
  }
}


export interface PrintedNode {
  /** CALL subqueries that bind the variables the projection reads; they run once per row of `v`. */
  subqueries: string[];
  projection: string;
}

/** Prints the projection of node variable `v` (and the subqueries its relation fields need). */
export function printNode(plan: NodePlan, v: string, w: CypherWriter): PrintedNode {
  const subqueries: string[] = [];
  const maps = plan.variants.map((variant) => {
    const entries = [`__typename: '${variant.label}'`];
    for (const field of variant.fields) entries.push(`${q(field.key)}: ${printField(field, v, variant.label, w, subqueries)}`);
    return { label: variant.label, map: `{${entries.join(', ')}}` };
  });
  if (maps.length === 0) return { subqueries, projection: 'null' };
  const projection =
    maps.length === 1
      ? maps[0].map
      : `CASE ${maps.map((m) => `WHEN ${v}:${q(m.label)} THEN ${m.map}`).join(' ')} END`;
  return { subqueries, projection };
}

function printField(field: FieldPlan, v: string, label: Label, w: CypherWriter, subqueries: string[]): string {
  if (field.kind === 'value') return valueExpression(v, field.spec);
  if (field.kind === 'computed') return computedExpression(field.name, v, field.args, w);
  if (field.kind === 'one') {
    const t = w.variable('t');
    const out = w.variable('v');
    const visible = w.visible(t, field.relation.targetLabels);
    const target = printNode(field.target, t, w);
    subqueries.push(
      [
        `CALL {`,
        `  WITH ${v}`,
        `  MATCH ${relationPattern(v, label, field.relation.relType, field.relation.direction, '', t, field.relation.targetLabels)}`,
        ...(visible ? [`  WHERE ${visible}`] : []),
        `  WITH ${t} ORDER BY ${t}.id LIMIT 1`,
        ...indent(target.subqueries),
        `  RETURN head(collect(${target.projection})) AS ${out}`,
        `}`,
      ].join('\n'),
    );
    return out;
  }
  const printed = printConnectionRows(field, { v, label }, w);
  subqueries.push(printed.subquery);
  return `{rows: ${printed.rows}${field.totalCountKeys.length ? `, total: ${printed.total}` : ''}}`;
}

function relationPattern(
  v: string,
  label: Label,
  relType: string,
  direction: 'OUT' | 'IN',
  r: string,
  t: string,
  targetLabels: readonly Label[],
): string {
  const rel = `[${r}:${q(relType)}]`;
  const arrow = direction === 'OUT' ? `-${rel}->` : `<-${rel}-`;
  return `(${v}:${q(label)})${arrow}(${t}:${labelExpr(targetLabels)})`;
}

const SENTINELS: Record<SortKey['type'], string> = {
  string: "''",
  number: '-1.0e308',
  date: "date('0001-01-01')",
  dateTime: "datetime('0001-01-01T00:00:00Z')",
};

/** A sort key's expression; nulls sort as the smallest value, so keyset comparisons never meet a null. */
function sortExpression(key: SortKey, t: string, r: string, w: CypherWriter): string {
  const v = key.on === 'node' ? t : r;
  if (key.on === 'node' && key.property === 'id') return `${t}.id`;
  if (key.from) return `coalesce(point.distance(${t}.location, ${centreExpression(key.from, w)}), 1.0e308)`;
  const stored = `${v}.${q(key.property)}`;
  const value = key.absentAs === undefined ? stored : `coalesce(${stored}, ${enumLiteral(key.absentAs)})`;
  // An ordered enum sorts by the position of its value (CLEAR before GREEN before …), as a number.
  if (key.ordinal) return `CASE ${value} ${key.ordinal.map((name, i) => `WHEN ${enumLiteral(name)} THEN ${i}`).join(' ')} ELSE -1 END`;
  return key.absentAs === undefined ? `coalesce(${stored}, ${SENTINELS[key.type]})` : value;
}

function cursorParam(key: SortKey, value: unknown, w: CypherWriter): string {
  const p = w.param(value);
  return key.type === 'date' ? `date(${p})` : key.type === 'dateTime' ? `datetime(${p})` : p;
}

/** `(k1 > c1) OR (k1 = c1 AND k2 > c2) …` (< for descending keys): rows strictly after the cursor. */
function keysetPredicate(keys: SortKey[], exprs: string[], values: unknown[], w: CypherWriter): string {
  const params = keys.map((key, i) => cursorParam(key, values[i], w));
  const disjuncts = exprs.map((expr, i) =>
    [
      ...exprs.slice(0, i).map((e, j) => `${e} = ${params[j]}`),
      `${expr} ${keys[i].direction === 'DESC' ? '<' : '>'} ${params[i]}`,
    ].join(' AND '),
  );
  return disjuncts.map((d) => `(${d})`).join(' OR ');
}

/**
 * Prints the subquery that fetches one page of a connection (first + 1 rows, to know whether there is a
 * next page), ordered by its sort keys and started after the cursor by a keyset predicate, never by
 * skipping rows. Collects after LIMIT, so only the page is materialised.
 */
export function printConnectionRows(
  plan: ConnectionPlan,
  parent: { v: string; label: Label } | null,
  w: CypherWriter,
): { subquery: string; rows: string; total: string } {
  const t = w.variable('t');
  const r = w.variable('r');
  const out = w.variable('v');
  const relation = plan.relation;
  const pattern =
    parent && relation
      ? relationPattern(parent.v, parent.label, relation.relType, relation.direction, r, t, plan.targetLabels)
      : `(${t}:${labelExpr(plan.targetLabels)})`;
  const sortExprs = plan.sortKeys.map((k) => sortExpression(k, t, r, w));
  const filterScope = { model: plan.model, w, field: plan.field };
  const asked =
    parent && relation
      ? edgePredicate(plan.where, relation, r, t, filterScope)
      : nodePredicate(plan.where, t, plan.targetLabels, filterScope);
  // What the principal may not see is not there: not on the page, not in the total, not behind a cursor.
  const visible = w.visible(t, plan.targetLabels);
  const filter = visible && asked ? `(${visible}) AND (${asked})` : (visible ?? asked);
  const keyset = plan.after ? keysetPredicate(plan.sortKeys, sortExprs, plan.after, w) : null;
  // A first page of a whole label in id order: the predicate lets Neo4j read the id index in order and
  // stop after first + 1 nodes instead of sorting them all.
  const indexOrder = !parent && !keyset && plan.sortKeys[0].property === 'id' ? `${t}.id IS NOT NULL` : null;
  const conditions = [filter, keyset, indexOrder].filter((c): c is string => !!c);
  const where = conditions.length ? `  WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}` : null;
  const carried = parent && relation ? `${r}, ${t}` : t;

  const nested: string[] = [];
  const entries = [`__key: [${sortExprs.join(', ')}]`];
  for (const field of plan.edgeFields) {
    if (field.kind === 'cursor') continue;
    if (field.kind === 'value') entries.push(`${q(field.key)}: ${valueExpression(r, field.spec)}`);
    else {
      const node = printNode(field.target, t, w);
      nested.push(...node.subqueries);
      entries.push(`${q(field.key)}: ${node.projection}`);
    }
  }
  const subquery = [
    `CALL {`,
    ...(parent ? [`  WITH ${parent.v}`] : []),
    `  MATCH ${pattern}`,
    ...(where ? [where] : []),
    `  WITH ${carried} ORDER BY ${sortExprs.map((e, i) => `${e} ${plan.sortKeys[i].direction}`).join(', ')} LIMIT ${w.param(neo4j.int(plan.first + 1))}`,
    ...indent(nested),
    `  RETURN collect({${entries.join(', ')}}) AS ${out}`,
    `}`,
  ].join('\n');

  // The total counts every item the filter lets through, not only this page.
  const totalPattern =
    parent && relation
      ? relationPattern(parent.v, parent.label, relation.relType, relation.direction, r, t, plan.targetLabels)
      : `(${t}:${labelExpr(plan.targetLabels)})`;
  const total = `COUNT { MATCH ${totalPattern}${filter ? ` WHERE ${filter}` : ''} }`;
  return { subquery, rows: out, total };
}

function indent(blocks: string[]): string[] {
  return blocks.flatMap((b) => b.split('\n').map((line) => `  ${line}`));
}
