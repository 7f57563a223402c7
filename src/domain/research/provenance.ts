import neo4j from 'neo4j-driver';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import { badUserInput, InvariantError } from '../../errors.js';
import { encodeCursor, type CursorKey } from '../../planner/cursor.js';
import { pageOf } from '../../planner/plan.js';
import { cacheKey, prepared, type PreparedQuery } from '../../planner/planCache.js';
import { CypherWriter } from '../../planner/printCypher.js';
import { Visibility } from '../../auth/visibility.js';
import { toPlain } from '../../planner/shapeResult.js';
import type { Row } from '../../planner/row.js';
import { parseBound, requireEntityId } from './researchArgs.js';
import {
  build,
  indent,
  pagedReturn,
  printListProjection,
  rawConnection,
  rootSelections,
  runPaged,
  scopeOf,
  selects,
  shapeProjections,
  specOf,
  type NodePosition,
  type ObjectSpec,
} from './researchShape.js';

/**
 * Provenance and corroboration. The rules (documented in the SDL and the cookbook):
 *
 * - A statement's *carriers* are the sources it is REPORTED_IN.
 * - A *relay chain* follows CITES from a carrier through carriers only (at most MAX_HOPS hops, never
 *   visiting a source twice) and ends at a carrier that cites no further carrier. Citations to sources
 *   that do not carry the statement are ignored: the report cites the Zelensky video for another claim.
 * - The *origins* are the ends of the chains. Origins put out by the same publisher (PUBLISHED_BY, else
 *   AUTHORED_BY) are one *independent origin*: two press releases of one press service, or AFP, RIA and
 *   TASS relaying one briefing, are a single origin. An origin with neither is independent on its own.
 * - Sources the principal may not see do not exist here either: they carry nothing, so a chain stops
 *   where it would pass through one, and an origin it cannot see is not counted.
 */

export const MAX_HOPS = 10;
export const MAX_CHAINS = 500;

interface OriginVars {
  lines: string[];
  carriers: string;
  paths: string;
  groups: string;
}

/** Cypher binding, for statement variable `st`, its carriers, its relay chains (id lists) and its origin groups. */
export function printOrigins(st: string, w: CypherWriter): OriginVars {
  const carriers = w.variable('carriers');
  const paths = w.variable('paths');
  const ends = w.variable('ends');
  const groups = w.variable('groups');
  const visibleC = w.visible('c', ['Source']);
  const lines = [
    `CALL {`,
    `  WITH ${st}`,
    // Sources the principal may not see carry nothing: a chain stops where it would pass through one, and
    // an origin it cannot see is not counted.
    `  OPTIONAL MATCH (${st})-[:REPORTED_IN]->(c:Source)${visibleC ? ` WHERE ${visibleC}` : ''}`,
    `  RETURN collect(DISTINCT c) AS ${carriers}`,
    `}`,
    `CALL {`,
    `  WITH ${carriers}`,
    `  UNWIND ${carriers} AS c0`,
    `  MATCH p = (c0)((:Source)-[:CITES]->(y:Source) WHERE y IN ${carriers}){0,${MAX_HOPS}}(o:Source)`,
    `  WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])`,
    `    AND (length(p) = ${MAX_HOPS} OR NOT EXISTS { MATCH (o)-[:CITES]->(nx:Source) WHERE nx IN ${carriers} AND NOT nx IN nodes(p) })`,
    `  WITH p, o LIMIT ${MAX_CHAINS + 1}`,
    `  RETURN collect([n IN nodes(p) | n.id]) AS ${paths}, collect(DISTINCT o) AS ${ends}`,
    `}`,
    `CALL {`,
    `  WITH ${ends}`,
    `  UNWIND ${ends} AS o`,
    `  WITH o, coalesce(head(COLLECT { MATCH (o)-[:PUBLISHED_BY]->(pb:Actor) RETURN pb ORDER BY pb.id }),`,
    `                   head(COLLECT { MATCH (o)-[:AUTHORED_BY]->(au:Actor) RETURN au ORDER BY au.id })) AS pub`,
    `  WITH coalesce(pub.id, o.id) AS key, pub, o ORDER BY key, o.id`,
    `  WITH key, head(collect(pub)) AS pub, collect(o) AS srcs ORDER BY key`,
    `  RETURN collect({key: key, publisher: pub, sources: srcs}) AS ${groups}`,
    `}`,
  ];
  return { lines, carriers, paths, groups };
}

/** The origin groups as ids, for the raw tree. */
const groupIds = (groups: string) =>
  `[g IN ${groups} | {publisher: g.publisher.id, sources: [x IN g.sources | x.id]}]`;

interface RawGroup {
  publisher: string | null;
  sources: string[];
}

const chainOf = (ids: string[]) => ({ sources: ids, length: ids.length - 1 });

/** Relay chains, deduplicated and in a stable order; and whether some were left out. */
function tidyPaths(paths: string[][]): { paths: string[][]; truncated: boolean } {
  const unique = [...new Map(paths.map((p) => [p.join('\u0000'), p])).values()];
  unique.sort((x, y) => x.join('\u0000').localeCompare(y.join('\u0000')));
  return { paths: unique.slice(0, MAX_CHAINS), truncated: unique.length > MAX_CHAINS };
}

interface Planned {
  spec: ObjectSpec;
  positions: NodePosition[];
}

function prepareProvenance(args: { id: string }, info: GraphQLResolveInfo, visibility: Visibility): PreparedQuery<Planned> {
  const FIELD = 'Query.provenance';
  requireEntityId(args.id, ['Statement'], 'id', FIELD);
  const scope = scopeOf(info);
  const positions: NodePosition[] = [];
  const spec = specOf(scope, 'Provenance', rootSelections(info), FIELD, positions);

  const w = new CypherWriter(visibility);
  const visibleSt = w.visible('st', ['Statement']);
  const visibleC = w.visible('c', ['Source']);
  const origins = printOrigins('st', w);
  const listFor = (p: NodePosition) => {
    const last = p.fieldPath[p.fieldPath.length - 1];
    if (p.fieldPath.length === 1 && last === 'statement') return 'statementNodes';
    if (p.fieldPath.length === 1 && last === 'speaker') return 'speakerNodes';
    if (last === 'publisher') return 'publisherNodes';
    if (last === 'source' || last === 'sources') return origins.carriers;
    throw new InvariantError(`unexpected node position ${p.fieldPath.join('.')}`);
  };
  const projections = positions.map((p) => ({ position: p, ...printListProjection(listFor(p), p.plan, w) }));
  const cypher = [
    `MATCH (st:Statement {id: ${w.param(args.id)}})${visibleSt ? ` WHERE ${visibleSt}` : ''}`,
    ...origins.lines,
    `CALL { WITH st OPTIONAL MATCH (st)-[:MADE_BY]->(sp:Actor|Unit) WITH sp ORDER BY sp.id LIMIT 1 RETURN collect(sp) AS speakerNodes }`,
    `WITH *, [st] AS statementNodes, [g IN ${origins.groups} WHERE g.publisher IS NOT NULL | g.publisher] AS publisherNodes`,
    ...projections.map((p) => p.subquery),
    `RETURN {`,
    `  statement: st.id, speaker: head([x IN speakerNodes | x.id]),`,
    `  reports: [(st)-[r:REPORTED_IN]->(c:Source)${visibleC ? ` WHERE ${visibleC}` : ''} | {source: c.id, quote: r.quote, charStart: r.charStart, charEnd: r.charEnd}],`,
    `  paths: ${origins.paths}, groups: ${groupIds(origins.groups)}, sourceCount: size(${origins.carriers})`,
    `} AS data, {${projections.map((p) => `${p.position.id}: ${p.out}`).join(', ')}} AS projections`,
  ].join('\n');
  return { plan: { spec, positions }, cypher, params: w.params };
}

export async function provenance(args: { id: string }, ctx: Context, info: GraphQLResolveInfo): Promise<Row | null> {
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, 'research.provenance'), () => prepareProvenance(args, info, visibility));
  const { spec, positions } = query.plan;
  const result = await ctx.db.read(query.cypher, query.params);
  const record = result.records[0];
  if (!record) return null;
  const data = toPlain(record.get('data')) as {
    statement: string;
    speaker: string | null;
    reports: Array<{ source: string; quote: string | null; charStart: number | null; charEnd: number | null }>;
    paths: string[][];
    groups: RawGroup[];
    sourceCount: number;
  };
  const { paths, truncated } = tidyPaths(data.paths);
  // Entry sources: carriers no other carrier cites on a chain (the article a reader sees).
  const cited = new Set(paths.flatMap((p) => p.slice(1)));
  const entries = paths.filter((p) => !cited.has(p[0]));
  const reports = [...data.reports].sort(
    (x, y) => x.source.localeCompare(y.source) || (x.charStart ?? -1) - (y.charStart ?? -1),
  );
  const raw = {
    statement: data.statement,
    speaker: data.speaker,
    reports: reports.map((r) => ({ ...r, chains: paths.filter((p) => p[0] === r.source).map(chainOf) })),
    chains: (entries.length ? entries : paths).map(chainOf),
    origins: data.groups,
    independentOrigins: data.groups.length,
    sourceCount: data.sourceCount,
    truncated,
  };
  const shaped = shapeProjections(toPlain(record.get('projections')) as Record<string, unknown>, positions);
  return build(spec, raw, shaped);
}

export interface CorroborationArgs {
  minOrigins?: number | null;
  maxOrigins?: number | null;
  first?: number | null;
  after?: string | null;
}

const CORROBORATION_ORDERING = 'research.corroboration';

function prepareCorroboration(
  args: CorroborationArgs,
  info: GraphQLResolveInfo,
  visibility: Visibility,
): PreparedQuery<Planned & { first: number; paged: boolean }> {
  const FIELD = 'Query.corroboration';
  const ORDERING = CORROBORATION_ORDERING;
  const min = parseBound(args.minOrigins, 'minOrigins', FIELD);
  const max = parseBound(args.maxOrigins, 'maxOrigins', FIELD);
  if (min !== null && max !== null && min > max)
    throw badUserInput(`minOrigins (${min}) is more than maxOrigins (${max}).`, 'minOrigins', FIELD);
  const { first, after } = pageOf({ first: args.first, after: args.after }, 2, FIELD, ORDERING);
  if (after && !(Number.isInteger(after[0]) && typeof after[1] === 'string'))
    throw badUserInput('after is not a cursor of this list.', 'after', FIELD);

  const scope = scopeOf(info);
  const positions: NodePosition[] = [];
  const spec = specOf(scope, 'CorroborationConnection', rootSelections(info), FIELD, positions);
  const wantsOrigins = selects(spec, ['edges', 'origins']);

  const w = new CypherWriter(visibility);
  const visibleSt = w.visible('st', ['Statement']);
  const counted = printOrigins('st', w);
  const bounds: string[] = [];
  if (min !== null) bounds.push(`n >= ${w.param(neo4j.int(min))}`);
  if (max !== null) bounds.push(`n <= ${w.param(neo4j.int(max))}`);
  const keyset = after
    ? `  WHERE n < ${w.param(neo4j.int(after[0] as number))} OR (n = ${w.param(neo4j.int(after[0] as number))} AND st.id > ${w.param(after[1])})`
    : null;
  const listed = wantsOrigins ? printOrigins('st', w) : null;
  const listFor = (p: NodePosition) => {
    const last = p.fieldPath[p.fieldPath.length - 1];
    if (p.fieldPath.join('.') === 'edges.node') return 'pageNodes';
    if (last === 'publisher') return 'publisherNodes';
    if (last === 'sources') return 'originSourceNodes';
    throw new InvariantError(`unexpected node position ${p.fieldPath.join('.')}`);
  };
  const projections = positions.map((p) => ({ position: p, ...printListProjection(listFor(p), p.plan, w) }));

  const cypher = [
    `MATCH (st:Statement)${visibleSt ? ` WHERE ${visibleSt}` : ''}`,
    ...counted.lines,
    `WITH st, size(${counted.groups}) AS n, size(${counted.carriers}) AS sc`,
    ...(bounds.length ? [`WHERE ${bounds.join(' AND ')}`] : []),
    `WITH collect({st: st, n: n, sc: sc}) AS found`,
    `CALL {`,
    `  WITH found`,
    `  UNWIND found AS row`,
    `  WITH row.st AS st, row.n AS n, row.sc AS sc`,
    ...(keyset ? [keyset] : []),
    `  WITH st, n, sc ORDER BY n DESC, st.id LIMIT ${w.param(neo4j.int(first + 1))}`,
    ...(listed ? indent(listed.lines) : [`  WITH st, n, sc, [] AS noGroups`]),
    `  WITH st, n, sc, ${listed ? listed.groups : 'noGroups'} AS og`,
    `  RETURN collect({id: st.id, n: n, sc: sc, groups: ${groupIds('og')}}) AS rows, collect(st) AS pageNodes,`,
    `    reduce(acc = [], gs IN collect(og) | acc + [g IN gs WHERE g.publisher IS NOT NULL | g.publisher]) AS publisherNodes,`,
    `    reduce(acc = [], gs IN collect(og) | acc + reduce(inner = [], g IN gs | inner + g.sources)) AS originSourceNodes`,
    `}`,
    ...pagedReturn(projections),
  ].join('\n');
  return { plan: { spec, positions, first, paged: after !== null }, cypher, params: w.params };
}

export async function corroboration(args: CorroborationArgs, ctx: Context, info: GraphQLResolveInfo): Promise<Row> {
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, CORROBORATION_ORDERING), () => prepareCorroboration(args, info, visibility));
  const { spec, first, paged } = query.plan;
  const { rows, total, shaped } = await runPaged<{ id: string; n: number; sc: number; groups: RawGroup[] }>(ctx, query);
  const edges = rows.map((row) => ({
    key: [row.n, row.id] as CursorKey,
    node: row.id,
    independentOrigins: row.n,
    sourceCount: row.sc,
    origins: row.groups,
  }));
  const raw = rawConnection(edges, first, paged, total, (e) => encodeCursor(e.key, CORROBORATION_ORDERING));
  return build(spec, raw, shaped);
}
