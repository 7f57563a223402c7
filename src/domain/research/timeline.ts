import neo4j from 'neo4j-driver';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import { badUserInput } from '../../errors.js';
import type { Label } from '../../ids.js';
import { encodeCursor, type CursorKey } from '../../planner/cursor.js';
import { pageOf } from '../../planner/plan.js';
import { cacheKey, prepared, type PreparedQuery } from '../../planner/planCache.js';
import { CypherWriter, valueExpression } from '../../planner/printCypher.js';
import { Visibility } from '../../auth/visibility.js';
import type { Row } from '../../planner/row.js';
import { parseDay, parseWindow, requireEntityId } from './researchArgs.js';
import {
  build,
  indent,
  pagedReturn,
  printListProjection,
  rawConnection,
  rootSelections,
  runPaged,
  scopeOf,
  specOf,
  type NodePosition,
  type PagedPlan,
} from './researchShape.js';

const FIELD = 'Query.timeline';
const ORDERING = 'research.timeline';
const LINK_ORDER = ['MADE_BY', 'ON_BEHALF_OF', 'ABOUT', 'ABOUT_CONTAINED'];
const STATED_AT = { name: 'statedAt', kind: 'partialDate', required: true } as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface TimelineArgs {
  id: string;
  includeContained?: boolean | null;
  from?: string | null;
  to?: string | null;
  asOf?: string | null;
  first?: number | null;
  after?: string | null;
}

/** The statements tied to the entity, one row per (statement, link); UNION removes duplicates. */
function candidateBranches(label: Label, includeContained: boolean, idParam: string, visible: string | null): string[] {
  const entity = `(x:${label} {id: ${idParam}})`;
  // Statements the principal may not see are not on its timeline (nor in its total, nor behind a cursor).
  const where = visible ? ` WHERE ${visible}` : '';
  const branches = [];
  if (label === 'Actor' || label === 'Unit') {
    branches.push(`MATCH ${entity}<-[:MADE_BY]-(s:Statement)${where} RETURN s, 'MADE_BY' AS link`);
    branches.push(`MATCH ${entity}<-[:ON_BEHALF_OF]-(s:Statement)${where} RETURN s, 'ON_BEHALF_OF' AS link`);
  }
  branches.push(`MATCH ${entity}<-[:ABOUT]-(s:Statement)${where} RETURN s, 'ABOUT' AS link`);
  if (includeContained && (label === 'Place' || label === 'Unit'))
    branches.push(`MATCH ${entity}<-[:PART_OF*1..]-(:${label})<-[:ABOUT]-(s:Statement)${where} RETURN s, 'ABOUT_CONTAINED' AS link`);
  return branches;
}

/** Sort keys with nulls as the smallest day, so keyset comparisons never meet a null. */
const START = `coalesce(s.statedAtStart, date('0001-01-01'))`;
const END = `coalesce(s.statedAtEnd, date('0001-01-01'))`;

/** Checks the arguments, plans the selection and prints the query; runs once per distinct request. */
function prepareTimeline(args: TimelineArgs, info: GraphQLResolveInfo, visibility: Visibility): PreparedQuery<PagedPlan> {
  const label = requireEntityId(args.id, ['Actor', 'Unit', 'Place'], 'id', FIELD);
  const { from, to } = parseWindow(args, FIELD);
  const asOf = parseDay(args.asOf, 'asOf', FIELD);
  const { first, after } = pageOf({ first: args.first, after: args.after }, 3, FIELD, ORDERING);
  if (after && !(typeof after[0] === 'string' && DAY.test(after[0]) && typeof after[1] === 'string' && DAY.test(after[1]) && typeof after[2] === 'string'))
    throw badUserInput('after is not a cursor of this list.', 'after', FIELD);

  const scope = scopeOf(info);
  const positions: NodePosition[] = [];
  const spec = specOf(scope, 'TimelineConnection', rootSelections(info), FIELD, positions);

  const w = new CypherWriter(visibility);
  const conditions: string[] = [];
  if (from) conditions.push(`s.statedAtEnd >= date(${w.param(from)})`);
  if (to) conditions.push(`s.statedAtStart <= date(${w.param(to)})`);
  if (asOf) conditions.push(`s.statedAtEnd <= date(${w.param(asOf)})`);
  let keyset: string | null = null;
  if (after) {
    const [c0, c1, c2] = [`date(${w.param(after[0])})`, `date(${w.param(after[1])})`, w.param(after[2])];
    keyset = `${START} > ${c0} OR (${START} = ${c0} AND ${END} > ${c1}) OR (${START} = ${c0} AND ${END} = ${c1} AND s.id > ${c2})`;
  }
  const idParam = w.param(args.id);
  const projections = positions.map((p) => ({ position: p, ...printListProjection('pageNodes', p.plan, w) }));

  const cypher = [
    `CALL {`,
    indent(candidateBranches(label, args.includeContained !== false, idParam, w.visible('s', ['Statement']))).join('\n  UNION\n'),
    `}`,
    `WITH s, collect(DISTINCT link) AS links`,
    ...(conditions.length ? [`WHERE ${conditions.join(' AND ')}`] : []),
    `WITH collect({s: s, links: links}) AS found`,
    `CALL {`,
    `  WITH found`,
    `  UNWIND found AS row`,
    `  WITH row.s AS s, row.links AS links`,
    ...(keyset ? [`  WHERE ${keyset}`] : []),
    `  WITH s, links ORDER BY ${START}, ${END}, s.id LIMIT ${w.param(neo4j.int(first + 1))}`,
    `  RETURN collect({`,
    `    key: [toString(${START}), toString(${END}), s.id], id: s.id, links: links,`,
    `    statedAt: ${valueExpression('s', STATED_AT)},`,
    `    side: head(COLLECT { MATCH (s)-[:MADE_BY]->(sp:Actor|Unit) RETURN sp.side ORDER BY sp.id })`,
    `  }) AS rows, collect(s) AS pageNodes`,
    `}`,
    ...pagedReturn(projections),
  ].join('\n');
  return { plan: { spec, positions, first, paged: after !== null }, cypher, params: w.params };
}

export async function timeline(args: TimelineArgs, ctx: Context, info: GraphQLResolveInfo): Promise<Row> {
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, ORDERING), () => prepareTimeline(args, info, visibility));
  const { spec, first, paged } = query.plan;
  const { rows, total, shaped } = await runPaged<{
    key: CursorKey;
    id: string;
    links: string[];
    statedAt: { precision: string } | null;
    side: string | null;
  }>(ctx, query);
  const edges = rows.map((row) => ({
    key: row.key,
    node: row.id,
    statedAt: row.statedAt,
    precision: row.statedAt?.precision ?? null,
    side: row.side,
    links: [...row.links].sort((a, b) => LINK_ORDER.indexOf(a) - LINK_ORDER.indexOf(b)),
  }));
  const raw = rawConnection(edges, first, paged, total, (e) => encodeCursor(e.key, ORDERING));
  return build(spec, raw, shaped);
}
