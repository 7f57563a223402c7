import { badUserInput } from '../errors.js';
import { enumLiteral } from './printFilter.js';
import { centreExpression } from './computedFields.js';
import type { CypherWriter } from './printCypher.js';
import type { ConnectionPlan, SortKey } from './plan.js';

/**
 * A connection's order as a sequence of segments, each read in the order of an index and paged on its own.
 *
 * Ordering by `coalesce(t.prop, sentinel)` stops Neo4j from reading a `(prop, id)` index in order: it sorts
 * every row to return a page. So an order on one field is split where the index cannot follow it: the rows
 * that have the value (`prop IS NOT NULL`, read from the `(prop…, id)` index, ties by id in the same
 * direction), then the rows without it (by id alone: missing values come last in both directions). An enum
 * with a default (a marking: absent reads as CLEAR) is a segment per value, in the enum's order, each read
 * from `(prop, id)` by equality. A cursor's values say which segment it is in: a null value is the missing
 * segment, an enum's value its own; segments before it are not read at all, later ones only while the page
 * is not full. Orders over several fields, mixed directions or distances are one general segment, sorted.
 */
export interface Segment {
  /** Conditions on the far node alone, where an index seek can use them. */
  node: string[];
  /**
   * Those of `node` that only an index read needs (`id IS NOT NULL`, so Neo4j reads the id index in order);
   * expanding from a parent leaves them out, as every node has its id.
   */
  indexOnly: string[];
  /** Conditions that may read the edge too (the keyset, when an edge key is part of the order). */
  rest: string[];
  /** ORDER BY items, directions included. */
  order: string[];
  /** The sort key of a row of this segment, as the cursor records it. */
  key: string[];
  /**
   * The properties of the index Neo4j can read the segment from in order (so under a dense node, walking
   * the index is cheaper than sorting the node's relationships), or null.
   */
  index: string[] | null;
}

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;

const badCursor = (plan: ConnectionPlan) => badUserInput('This cursor is not a cursor of this list.', 'after', plan.field);

/** A key whose value can be missing, read raw (no sentinel), so a missing value is null. */
const nullableKey = (key: SortKey) => key.on === 'node' && !key.required && key.absentAs === undefined && !key.from;

export function cursorParam(key: SortKey, value: unknown, w: CypherWriter): string {
  const p = w.param(value);
  return key.type === 'date' ? `date(${p})` : key.type === 'dateTime' ? `datetime(${p})` : p;
}

export function orderSegments(plan: ConnectionPlan, t: string, r: string, w: CypherWriter): Segment[] {
  const keys = plan.sortKeys;
  const fieldKeys = keys.filter((k) => k.on === 'node' && k.property !== 'id');
  const idKey = keys.find((k) => k.on === 'node' && k.property === 'id')!;
  const edgeKey = keys.find((k) => k.on === 'edge');
  const d = idKey.direction;
  const oneField = fieldKeys.every((k) => k.field === fieldKeys[0].field && k.direction === d && !k.from);
  if (!oneField) return [generalSegment(plan, t, r, w)];

  const after = plan.after;
  const m = fieldKeys.length;
  const cmp = d === 'DESC' ? '<' : '>';
  const tail = [`${t}.id`, ...(edgeKey ? [`coalesce(${r}.${q(edgeKey.property)}, '')`] : [])];
  const tailAfter = after ? after.slice(m).map((v) => w.param(v)) : [];
  const listAfter = (exprs: string[], params: string[]) =>
    exprs.length === 1 ? `${exprs[0]} ${cmp} ${params[0]}` : `[${exprs.join(', ')}] ${cmp} [${params.join(', ')}]`;
  const directed = (exprs: string[]) => exprs.map((e) => `${e} ${d}`);

  const enumKey = m === 1 && fieldKeys[0].absentAs !== undefined ? fieldKeys[0] : null;
  if (enumKey) {
    const p = `${t}.${q(enumKey.property)}`;
    const ordinal = enumKey.ordinal;
    const values = ordinal ? [...ordinal] : [...(enumKey.values ?? [])].sort();
    if (d === 'DESC') values.reverse();
    const keyOf = (v: string) => (ordinal ? ordinal.indexOf(v) : v);
    let start = 0;
    if (after) {
      start = values.findIndex((v) => keyOf(v) === after[0]);
      if (start < 0) throw badCursor(plan);
    }
    return values.slice(start).map((v, i) => {
      const literal = enumLiteral(v);
      const own = after && i === 0;
      return {
        node: [v === enumKey.absentAs ? `(${p} = ${literal} OR ${p} IS NULL)` : `${p} = ${literal}`, ...(own ? [`${t}.id ${cmp}= ${tailAfter[0]}`] : [])],
        indexOnly: [],
        rest: own ? [listAfter(tail, tailAfter)] : [],
        order: directed(tail),
        key: [ordinal ? String(keyOf(v)) : literal, ...tail],
        index: v !== enumKey.absentAs ? [enumKey.property, 'id'] : null,
      };
    });
  }

  const props = fieldKeys.map((k) => `${t}.${q(k.property)}`);
  const present = [...props, ...tail];
  let inMissing = false;
  if (after && m) {
    const nulls = after.slice(0, m).filter((v) => v === null).length;
    if (nulls === m) inMissing = true;
    else if (nulls) throw badCursor(plan);
  }
  const idPresent = `${t}.id IS NOT NULL`;
  const segments: Segment[] = [];
  if (!inMissing) {
    const params = after ? [...fieldKeys.map((k, i) => cursorParam(k, after[i], w)), ...tailAfter] : [];
    segments.push({
      node: [...props.map((e) => `${e} IS NOT NULL`), idPresent, ...(after ? [`${present[0]} ${cmp}= ${params[0]}`] : [])],
      indexOnly: [idPresent],
      rest: after ? [listAfter(present, params)] : [],
      order: directed(present),
      key: present,
      index: [...fieldKeys.map((k) => k.property), 'id'],
    });
  }
  if (fieldKeys.some((k) => !k.required)) {
    segments.push({
      // `id IS NOT NULL` lets Neo4j read the id index in order and stop after a page of missing values.
      node: [props.map((e) => `${e} IS NULL`).join(' OR '), idPresent, ...(inMissing ? [`${t}.id ${cmp}= ${tailAfter[0]}`] : [])],
      indexOnly: [idPresent],
      rest: inMissing ? [listAfter(tail, tailAfter)] : [],
      order: directed(tail),
      key: [...props.map(() => 'null'), ...tail],
      index: null,
    });
  }
  return segments;
}

/** A sort key's expression in the general segment: missing values stay null, enums read their default. */
function sortExpression(key: SortKey, t: string, r: string, w: CypherWriter): string {
  if (key.on === 'edge') return `coalesce(${r}.${q(key.property)}, '')`;
  if (key.property === 'id') return `${t}.id`;
  if (key.from) return `coalesce(point.distance(${t}.location, ${centreExpression(key.from, w)}), 1.0e308)`;
  const stored = `${t}.${q(key.property)}`;
  const value = key.absentAs === undefined ? stored : `coalesce(${stored}, ${enumLiteral(key.absentAs)})`;
  // An ordered enum sorts by the position of its value (CLEAR before GREEN before …), as a number.
  if (key.ordinal) return `CASE ${value} ${key.ordinal.map((name, i) => `WHEN ${enumLiteral(name)} THEN ${i}`).join(' ')} ELSE -1 END`;
  return value;
}

/**
 * Orders over several fields, with directions mixed or by distance: one segment, sorted by Neo4j. Missing
 * values come last in both directions here too (Cypher sorts null last ascending; descending needs the
 * `IS NULL` key first), and the keyset treats null as after every value.
 */
function generalSegment(plan: ConnectionPlan, t: string, r: string, w: CypherWriter): Segment {
  const keys = plan.sortKeys;
  const exprs = keys.map((k) => sortExpression(k, t, r, w));
  const order = exprs.flatMap((e, i) =>
    nullableKey(keys[i]) && keys[i].direction === 'DESC' ? [`${e} IS NULL`, `${e} DESC`] : [`${e} ${keys[i].direction}`],
  );
  const rest: string[] = [];
  if (plan.after) {
    const after = plan.after;
    const equal: string[] = [];
    const disjuncts: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const cmp = keys[i].direction === 'DESC' ? '<' : '>';
      if (after[i] === null) {
        if (!nullableKey(keys[i])) throw badCursor(plan);
        // Nothing comes after a missing value but other missing values.
        equal.push(`${exprs[i]} IS NULL`);
        continue;
      }
      const p = cursorParam(keys[i], after[i], w);
      const beyond = nullableKey(keys[i]) ? `(${exprs[i]} ${cmp} ${p} OR ${exprs[i]} IS NULL)` : `${exprs[i]} ${cmp} ${p}`;
      disjuncts.push([...equal, beyond].join(' AND '));
      equal.push(`${exprs[i]} = ${p}`);
    }
    rest.push(disjuncts.length ? disjuncts.map((c) => `(${c})`).join(' OR ') : 'false');
  }
  return { node: [], indexOnly: [], rest, order, key: exprs, index: null };
}
