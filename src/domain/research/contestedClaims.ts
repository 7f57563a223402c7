import neo4j from 'neo4j-driver';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import { badUserInput, InvariantError } from '../../errors.js';
import { encodeCursor, type CursorKey } from '../../planner/cursor.js';
import { pageOf } from '../../planner/plan.js';
import { cacheKey, prepared, type PreparedQuery } from '../../planner/planCache.js';
import { CypherWriter } from '../../planner/printCypher.js';
import { Visibility } from '../../auth/visibility.js';
import type { Row } from '../../planner/row.js';
import { parseWindow, requireEntityId } from './researchArgs.js';
import {
  build,
  endsWith,
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

const FIELD = 'Query.contestedClaims';
const ORDERING = 'research.contestedClaims';

/** Sides that are not a belligerent: a speaker with one of these (or none) never makes SIDES_DIFFER. */
export const NON_BELLIGERENT_SIDES = ['NEUTRAL', 'UNKNOWN', ''];

export interface ContestedClaimsArgs {
  about?: string | null;
  within?: boolean | null;
  from?: string | null;
  to?: string | null;
  first?: number | null;
  after?: string | null;
}

/** The period a claim speaks of: validFrom.start (else statedAt.start) to validTo.end (else the later of statedAt.end and validFrom.end). */
const periodStart = (s: string) => `coalesce(${s}.validFromStart, ${s}.statedAtStart)`;
const periodEnd = (s: string) =>
  `coalesce(${s}.validToEnd, CASE WHEN ${s}.validFromEnd > ${s}.statedAtEnd THEN ${s}.validFromEnd ELSE ${s}.statedAtEnd END)`;
const sideOf = (s: string) =>
  `head(COLLECT { MATCH (${s})-[:MADE_BY]->(sp:Actor|Unit) RETURN toUpper(trim(coalesce(sp.side, ''))) AS side ORDER BY sp.id })`;

/**
 * An ABOUT edge naming what the claim is about, not whom it is addressed to: two reports to the same
 * addressee are not rival claims about it.
 */
const notAddressee = (r: string) => `coalesce(${r}.role, '') <> 'ADDRESSEE'`;

/** Checks the arguments, plans the selection and prints the query; runs once per distinct request. */
function prepareContestedClaims(args: ContestedClaimsArgs, info: GraphQLResolveInfo, visibility: Visibility): PreparedQuery<PagedPlan> {
  const label = args.about == null ? null : requireEntityId(args.about, ['Actor', 'Unit', 'Place'], 'about', FIELD);
  const { from, to } = parseWindow(args, FIELD);
  const { first, after } = pageOf({ first: args.first, after: args.after }, 2, FIELD, ORDERING);
  if (after && !(typeof after[0] === 'string' && typeof after[1] === 'string'))
    throw badUserInput('after is not a cursor of this list.', 'after', FIELD);

  const scope = scopeOf(info);
  const positions: NodePosition[] = [];
  const spec = specOf(scope, 'ContestedClaimConnection', rootSelections(info), FIELD, positions);
  const w = new CypherWriter(visibility);
  // Statements the principal may not see are never candidates: a hidden rival makes no pair.
  const visibleS = w.visible('s', ['Statement']);
  const visibleA = w.visible('a', ['Statement']);
  const visibleB = w.visible('b', ['Statement']);

  // 1. Candidate pairs (a.id < b.id) with the subjects they share.
  const pairs: string[] = [];
  if (label) {
    const hierarchy = args.within !== false && (label === 'Place' || label === 'Unit');
    pairs.push(
      `MATCH (x:${label} {id: ${w.param(args.about)}})`,
      hierarchy
        ? `CALL { WITH x OPTIONAL MATCH (d:${label})-[:PART_OF*1..]->(x) RETURN collect(DISTINCT d) AS below }`
        : `WITH x, [] AS below`,
      `WITH x, [x] + below AS scope`,
      `MATCH (s:Statement)-[ra:ABOUT]->(y) WHERE y IN scope AND ${notAddressee('ra')}${visibleS ? ` AND ${visibleS}` : ''}`,
      `WITH x, s, collect(DISTINCT y) AS ys`,
      `WITH x, collect({s: s, ys: ys}) AS inScope`,
      `UNWIND inScope AS ea`,
      `UNWIND inScope AS eb`,
      `WITH x, ea, eb WHERE ea.s.id < eb.s.id`,
      `WITH x, ea.s AS a, eb.s AS b, [y IN ea.ys WHERE y IN eb.ys] AS direct`,
      `WITH a, b, CASE WHEN size(direct) = 0 THEN [x] ELSE direct END AS shared`,
    );
  } else {
    pairs.push(
      `MATCH (a:Statement)-[ra:ABOUT]->(y)<-[rb:ABOUT]-(b:Statement) WHERE a.id < b.id AND ${notAddressee('ra')} AND ${notAddressee('rb')}${visibleA ? ` AND ${visibleA} AND ${visibleB}` : ''}`,
      `WITH a, b, collect(DISTINCT y) AS shared`,
    );
  }

  // 2. Why each pair is contested; keep the contested ones (and those in the window).
  const fromParam = from ? w.param(from) : '';
  const toParam = to ? w.param(to) : '';
  const window: string[] = [];
  const inWindow = (s: string) => {
    const parts: string[] = [];
    if (from) parts.push(`${periodEnd(s)} >= date(${fromParam})`);
    if (to) parts.push(`${periodStart(s)} <= date(${toParam})`);
    return `coalesce(${parts.join(' AND ')}, false)`;
  };
  if (from || to) window.push(`(${inWindow('a')} OR ${inWindow('b')})`);
  const neutral = w.param(NON_BELLIGERENT_SIDES);
  const reasons = [
    `WITH a, b, shared,`,
    `  [(a)-[r:CONTRADICTS|DISPUTES]->(b) | {kind: type(r), direction: 'A_TO_B', note: r.note, aspect: r.aspect}] +`,
    `  [(b)-[r:CONTRADICTS|DISPUTES]->(a) | {kind: type(r), direction: 'B_TO_A', note: r.note, aspect: r.aspect}] AS stances,`,
    // Support on the claim as a whole (no aspect) settles the pair; support on one aspect (the same place,
    // say) leaves the others open, so the sides inference still stands.
    `  EXISTS { MATCH (a)-[r:SUPPORTS]-(b) WHERE r.aspect IS NULL } AS supported,`,
    `  ${sideOf('a')} AS sideA, ${sideOf('b')} AS sideB,`,
    `  coalesce(${periodStart('a')} <= ${periodEnd('b')} AND ${periodStart('b')} <= ${periodEnd('a')}, false) AS overlapping`,
    `WITH a, b, shared, stances, overlapping,`,
    // SIDES_DIFFER holds only with overlapping periods and no SUPPORTS edge on the whole claim: a reason, not a hint.
    `  (sideA IS NOT NULL AND sideB IS NOT NULL AND NOT sideA IN ${neutral} AND NOT sideB IN ${neutral} AND sideA <> sideB)`,
    `    AND overlapping AND NOT supported AS sidesDiffer`,
    `WHERE (size(stances) > 0 OR sidesDiffer)${window.map((c) => ` AND ${c}`).join('')}`,
    `WITH collect({a: a, b: b, shared: shared, stances: stances, sidesDiffer: sidesDiffer, overlapping: overlapping}) AS found`,
  ];

  // 3. The page, keyset on (a.id, b.id), and the projections of the nodes on it.
  const keyset = after
    ? `WHERE a.id > ${w.param(after[0])} OR (a.id = ${w.param(after[0])} AND b.id > ${w.param(after[1])})`
    : null;
  const page = [
    `CALL {`,
    `  WITH found`,
    `  UNWIND found AS row`,
    `  WITH row, row.a AS a, row.b AS b`,
    ...(keyset ? [`  ${keyset}`] : []),
    `  WITH row, a, b ORDER BY a.id, b.id LIMIT ${w.param(neo4j.int(first + 1))}`,
    `  RETURN collect({a: a.id, b: b.id, subjects: [y IN row.shared | y.id], stances: row.stances,`,
    `    sidesDiffer: row.sidesDiffer, overlapping: row.overlapping}) AS rows,`,
    `    collect(a) AS aNodes, collect(b) AS bNodes, reduce(acc = [], r IN collect(row.shared) | acc + r) AS subjectNodes`,
    `}`,
  ];
  const listFor = (fieldPath: string[]) =>
    fieldPath[fieldPath.length - 1] === 'a' ? 'aNodes' : fieldPath[fieldPath.length - 1] === 'b' ? 'bNodes' : 'subjectNodes';
  const projections = positions.map((p) => {
    if (!endsWith(p, 'node', 'a') && !endsWith(p, 'node', 'b') && !endsWith(p, 'node', 'subjects'))
      throw new InvariantError(`unexpected node position ${p.fieldPath.join('.')}`);
    return { position: p, ...printListProjection(listFor(p.fieldPath), p.plan, w) };
  });

  const cypher = [
    ...pairs,
    ...reasons,
    ...page,
    ...pagedReturn(projections),
  ].join('\n');
  return { plan: { spec, positions, first, paged: after !== null }, cypher, params: w.params };
}

export async function contestedClaims(args: ContestedClaimsArgs, ctx: Context, info: GraphQLResolveInfo): Promise<Row> {
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, ORDERING), () => prepareContestedClaims(args, info, visibility));
  const { spec, first, paged } = query.plan;
  const { rows, total, shaped } = await runPaged<{
    a: string;
    b: string;
    subjects: string[];
    stances: Array<{ kind: string; direction: string; note: string | null; aspect: string | null }>;
    sidesDiffer: boolean;
    overlapping: boolean;
  }>(ctx, query);
  const edges = rows.map((row) => ({
    key: [row.a, row.b] as CursorKey,
    node: {
      a: row.a,
      b: row.b,
      subjects: [...new Set(row.subjects)].sort(),
      stances: [...row.stances].sort((x, y) => `${x.kind}${x.direction}`.localeCompare(`${y.kind}${y.direction}`)),
      reasons: reasonsOf(row.stances.map((s) => s.kind), row.sidesDiffer),
      overlapping: row.overlapping,
    },
  }));
  const raw = rawConnection(edges, first, paged, total, (e) => encodeCursor(e.key, ORDERING));
  return build(spec, raw, shaped);
}

/** Every reason that holds for a pair, in the enum's order. */
export function reasonsOf(stanceKinds: string[], sidesDiffer: boolean): string[] {
  const reasons: string[] = [];
  if (stanceKinds.includes('CONTRADICTS')) reasons.push('CONTRADICTS');
  if (stanceKinds.includes('DISPUTES')) reasons.push('DISPUTES');
  if (sidesDiffer) reasons.push('SIDES_DIFFER');
  return reasons;
}
