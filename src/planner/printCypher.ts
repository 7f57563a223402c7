import neo4j from 'neo4j-driver';
import type { Label } from '../ids.js';
import type { PropertySpec } from '../model/graphModel.js';
import type { Visibility } from '../auth/visibility.js';
import { edgePredicate, enumLiteral, nodePredicate } from './printFilter.js';
import { computedExpression } from './computedFields.js';
import type { ConnectionPlan, FieldPlan, NodePlan } from './plan.js';
import { orderSegments, type Segment } from './orderSegments.js';

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

const PARTIAL_DATE_FIELDS: Record<string, string> = { start: 'Start', end: 'End', precision: 'Precision', raw: 'Raw', relativeTo: 'RelativeTo' };
const DATE_PARTS = new Set(['start', 'end', 'relativeTo']);

/**
 * The Cypher expression reading one model property of a node or relationship variable; for a partial date,
 * only the `parts` selected (all when not given).
 */
export function valueExpression(v: string, spec: PropertySpec, parts?: readonly string[]): string {
  switch (spec.kind) {
    case 'stringList':
      return `coalesce(${v}.${q(spec.name)}, [])`;
    case 'partialDate': {
      const p = (part: string) => `${v}.${q(spec.name + part)}`;
      const read = Object.keys(PARTIAL_DATE_FIELDS).filter((f) => !parts || parts.includes(f));
      // Dates leave Neo4j as ISO strings: what the API answers, and far cheaper for the driver than Date values.
      const part = (f: string) => (DATE_PARTS.has(f) ? `toString(${p(PARTIAL_DATE_FIELDS[f])})` : p(PARTIAL_DATE_FIELDS[f]));
      return `CASE WHEN ${p('Start')} IS NULL THEN null ELSE {${read.map((f) => `${f}: ${part(f)}`).join(', ')}} END`;
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
    case 'scalar':
      return spec.scalar === 'date' ? `toString(${v}.${q(spec.name)})` : `${v}.${q(spec.name)}`;
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
    for (const field of variant.fields) entries.push(`${q(field.key)}: ${printField(field, v, variant.label, plan.variants.length > 1, w, subqueries)}`);
    return { label: variant.label, map: `{${entries.join(', ')}}` };
  });
  if (maps.length === 0) return { subqueries, projection: 'null' };
  const projection =
    maps.length === 1
      ? maps[0].map
      : `CASE ${maps.map((m) => `WHEN ${v}:${q(m.label)} THEN ${m.map}`).join(' ')} END`;
  return { subqueries, projection };
}

function printField(field: FieldPlan, v: string, label: Label, ofOneVariant: boolean, w: CypherWriter, subqueries: string[]): string {
  if (field.kind === 'value') return valueExpression(v, field.spec, field.parts);
  if (field.kind === 'computed') return computedExpression(field.name, v, field.args, w);
  if (field.kind === 'one') {
    const t = w.variable('t');
    const out = w.variable('v');
    const visible = w.visible(t, field.relation.targetLabels);
    const target = printNode(field.target, t, w);
    // A single-valued relation has at most one target (src/validation/graphRules.ts): a pattern
    // comprehension reads it in place, without a subquery per row, unless the target needs subqueries itself.
    if (target.subqueries.length === 0) {
      const rel = `[:${q(field.relation.relType)}]`;
      const arrow = field.relation.direction === 'OUT' ? `-${rel}->` : `<-${rel}-`;
      return `head([(${v})${arrow}(${t}:${labelExpr(field.relation.targetLabels)})${visible ? ` WHERE ${visible}` : ''} | ${target.projection}])`;
    }
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
  const printed = printConnectionRows(field, { v, label, ofOneVariant }, w);
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

/** Joins conditions with AND; null when there are none. */
const conjunction = (conditions: Array<string | null>) => {
  const kept = conditions.filter((c): c is string => !!c);
  return kept.length > 1 ? kept.map((c) => `(${c})`).join(' AND ') : (kept[0] ?? null);
};
const whereOf = (conditions: Array<string | null>) => {
  const c = conjunction(conditions);
  return c ? ` WHERE ${c}` : '';
};

/**
 * Prints the subquery that fetches one page of a connection (first + 1 rows when hasNextPage is asked
 * for, to know whether there is a next page). The order is read segment by segment
 * (src/planner/orderSegments.ts), each from its index in order and cut by the cursor's keyset, never by
 * skipping rows; a later segment is read only while the page is not full. Under a parent node, a segment Neo4j can read from an index is read either by expanding the
 * parent's relationships and sorting them, or, when the parent is dense (its degree squared exceeds the
 * page times the far label's count, both read from count stores), by walking the far label's index in
 * order and keeping the rows related to the parent. Collects after LIMIT, so only the page is materialised.
 */
export function printConnectionRows(
  plan: ConnectionPlan,
  parent: { v: string; label: Label; ofOneVariant?: boolean } | null,
  w: CypherWriter,
): { subquery: string; rows: string; total: string } {
  const t = w.variable('t');
  const r = w.variable('r');
  const out = w.variable('v');
  const relation = parent ? plan.relation : null;
  const pattern = parent && relation
    ? relationPattern(parent.v, parent.label, relation.relType, relation.direction, r, t, plan.targetLabels)
    : `(${t}:${labelExpr(plan.targetLabels)})`;
  const filterScope = { model: plan.model, w, field: plan.field };
  const asked = parent && relation
    ? edgePredicate(plan.where, relation, r, t, filterScope)
    : nodePredicate(plan.where, t, plan.targetLabels, filterScope);
  // What the principal may not see is not there: not on the page, not in the total, not behind a cursor.
  const visible = w.visible(t, plan.targetLabels);
  // The page, and one row more when hasNextPage is asked for (that row tells whether there is a next page).
  const n = w.param(neo4j.int(plan.first + (plan.nextPage ? 1 : 0)));
  // Cursors are built only when asked for (an edge's cursor, or pageInfo).
  const keyed = plan.pageCursors || plan.edgeFields.some((f) => f.kind === 'cursor');
  // Read by far node (plan.byFarNode), a row is a far node: the edges it is reached by are read per row of
  // the page only (its keys), so neither the page nor the total counts it once per edge.
  const farNodes = !!relation && plan.byFarNode;
  const perEdge = !!relation && !farNodes;
  const carried = perEdge ? `${r}, ${t}` : t;

  // Whether the parent is dense, decided once per parent from count stores (see below).
  const dense = w.variable('dense');
  let denseUsed = false;
  const segmentRows = (seg: Segment): string[] => {
    const order = `WITH ${farNodes ? 'DISTINCT ' : ''}${carried} ORDER BY ${seg.order.join(', ')} LIMIT ${n}`;
    if (!parent || !relation) return [`MATCH ${pattern}${whereOf([...seg.node, visible, asked, ...seg.rest])}`, order];
    // Expanding from the parent reads no index: what only an index read needs would cost a property read
    // per relationship.
    const expandNode = seg.node.filter((c) => !seg.indexOnly.includes(c));
    const expand = [`MATCH ${pattern}${whereOf([...expandNode, visible, asked, ...seg.rest])}`, order];
    if (!seg.index || plan.targetLabels.length !== 1) return expand;
    // Without the hint Neo4j starts from the bound parent and sorts all its relationships.
    const hint = `USING INDEX ${t}:${q(plan.targetLabels[0])}(${seg.index.map(q).join(', ')})`;
    const back = relation.direction === 'OUT' ? `(${parent.v})-[${r}:${q(relation.relType)}]->(${t})` : `(${parent.v})<-[${r}:${q(relation.relType)}]-(${t})`;
    denseUsed = true;
    // Each far node once: the relationship is a condition on the index's row, not a match that repeats it.
    const walk = farNodes
      ? [
          `    MATCH (${t}:${q(plan.targetLabels[0])}) ${hint}${whereOf([...seg.node, visible, ...seg.rest, `EXISTS { MATCH ${back}${whereOf([asked])} }`])}`,
          `    WITH ${t} ORDER BY ${seg.order.join(', ')} LIMIT ${n}`,
        ]
      : [
          `    MATCH (${t}:${q(plan.targetLabels[0])}) ${hint}${whereOf([...seg.node, visible])}`,
          `    MATCH ${back}${whereOf([asked, ...seg.rest])}`,
          `    ${order}`,
        ];
    return [
      `CALL {`,
      `  WITH ${parent.v}, ${dense}`,
      `  WITH ${parent.v} WHERE ${dense}`,
      // A subquery of its own, so the condition is decided before the index is read, not row by row after.
      `  CALL {`,
      `    WITH ${parent.v}`,
      ...walk,
      `    RETURN ${carried}`,
      `  }`,
      `  RETURN ${carried}`,
      `UNION ALL`,
      `  WITH ${parent.v}, ${dense}`,
      `  WITH ${parent.v} WHERE NOT ${dense}`,
      ...indent(expand),
      `  RETURN ${carried}`,
      `}`,
    ];
  };

  const segments = orderSegments(plan, t, r, w);
  const lists: string[] = [];
  const calls: string[] = [];
  for (const seg of segments) {
    const g = w.variable('g');
    const imports = [...(parent ? [parent.v] : []), ...(relation && plan.targetLabels.length === 1 ? [dense] : []), ...lists];
    const row = [`t: ${t}`, ...(perEdge ? [`r: ${r}`] : []), ...(keyed ? [`k: [${seg.key.join(', ')}]`] : [])];
    const rows = segmentRows(seg);
    // A later segment is read only while the page is not full; its rows are a subquery of their own, so the
    // condition is decided before the segment's index is read, not row by row after.
    const inner = imports.filter((v) => !lists.includes(v));
    const gated = lists.length
      ? [
          `  WITH ${imports.join(', ')} WHERE size(${lists.join(' + ')}) < ${n}`,
          `  CALL {`,
          `    WITH ${inner.length ? inner.join(', ') : lists[0]}`,
          ...indent(indent(rows)),
          `    RETURN ${carried}`,
          `  }`,
        ]
      : indent(rows);
    calls.push(
      [
        `CALL {`,
        ...(imports.length ? [`  WITH ${imports.join(', ')}`] : []),
        ...gated,
        `  RETURN collect({${row.join(', ')}}) AS ${g}`,
        `}`,
      ].join('\n'),
    );
    lists.push(g);
  }

  const nested: string[] = [];
  const entries = keyed ? [`__key: ${t}__k`] : [];
  for (const field of plan.edgeFields) {
    if (field.kind === 'cursor') continue;
    if (field.kind === 'value') entries.push(`${q(field.key)}: ${valueExpression(r, field.spec)}`);
    else if (field.kind === 'keys') {
      // Every edge's key, for the page's rows only; sorted in the key's declared order when shaped.
      const x = w.variable('x');
      const edge = relation!.direction === 'OUT' ? `(${parent!.v})-[${x}:${q(relation!.relType)}]->(${t})` : `(${parent!.v})<-[${x}:${q(relation!.relType)}]-(${t})`;
      entries.push(`${q(field.key)}: [${edge} | ${x}.${q(field.spec.name)}]`);
    } else {
      const node = printNode(field.target, t, w);
      nested.push(...node.subqueries);
      entries.push(`${q(field.key)}: ${node.projection}`);
    }
  }
  const rowVar = w.variable('row');
  const degree = relation ? (relation.direction === 'OUT' ? `(${parent!.v})-[:${q(relation.relType)}]->()` : `(${parent!.v})<-[:${q(relation.relType)}]-()`) : '';
  const subquery = [
    `CALL {`,
    ...(parent ? [`  WITH ${parent.v}`] : []),
    // A connection of one type of a union (a speaker's statements, when the speaker may be an actor or a
    // unit) is read only for parents of that type: no rows, and the collect below gives an empty page.
    ...(parent?.ofOneVariant ? [`  WITH ${parent.v} WHERE ${parent.v}:${q(parent.label)}`] : []),
    // The parent's degree (no label on the far end: read from the degree store) squared against the page
    // times the far label's count (the count store): walking the index reads about page × count / degree
    // rows, expanding reads degree rows.
    ...(relation && plan.targetLabels.length === 1
      ? denseUsed
        ? [`  WITH ${parent!.v}, COUNT { ${degree} } AS ${dense}`, `  WITH ${parent!.v}, ${dense} * ${dense} > ${n} * COUNT { (:${q(plan.targetLabels[0])}) } AS ${dense}`]
        : [`  WITH ${parent!.v}, false AS ${dense}`]
      : []),
    ...indent(calls),
    `  UNWIND (${lists.join(' + ')})[0..${n}] AS ${rowVar}`,
    `  WITH ${[...(farNodes && plan.edgeFields.some((f) => f.kind === 'keys') ? [parent!.v] : []), `${rowVar}.t AS ${t}`, ...(perEdge ? [`${rowVar}.r AS ${r}`] : []), ...(keyed ? [`${rowVar}.k AS ${t}__k`] : [])].join(', ')}`,
    ...indent(nested),
    `  RETURN collect({${entries.join(', ')}}) AS ${out}`,
    `}`,
  ].join('\n');

  // The total counts every item the filter lets through, not only this page.
  const filter = conjunction([visible, asked]);
  const total = `COUNT { MATCH ${pattern}${filter ? ` WHERE ${filter}` : ''}${farNodes ? ` RETURN DISTINCT ${t}` : ''} }`;
  return { subquery, rows: out, total };
}

function indent(blocks: string[]): string[] {
  return blocks.flatMap((b) => b.split('\n').map((line) => `  ${line}`));
}
