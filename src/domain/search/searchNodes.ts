import neo4j, { Neo4jError } from 'neo4j-driver';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import type { NodeLabel, SearchSyntax } from '../../generated/graphql.js';
import { badUserInput, InvariantError } from '../../errors.js';
import type { Label } from '../../ids.js';
import { subSelections } from '../../planner/collectFields.js';
import { encodeCursor, type CursorKey } from '../../planner/cursor.js';
import { pageOf, type NodePlan } from '../../planner/plan.js';
import { CypherWriter, printNode } from '../../planner/printCypher.js';
import { Visibility } from '../../auth/visibility.js';
import { shapeNode, toPlain } from '../../planner/shapeResult.js';
import type { Row } from '../../planner/row.js';
import { labelsArgument, quoteName } from '../graph/graphEnums.js';
import { keysByField, objectType, planNodeKeys, plannedRow, rootSelections, scopeOf } from '../graph/planSelection.js';
import { luceneQuery, searchTerms } from './luceneQuery.js';
import { luceneSyntaxQuery } from './luceneSyntax.js';

/**
 * Query.search: full-text search over the `claimgraph_text` index (see src/neo4j/migrations.ts), as one
 * Cypher query that also projects every hit for the client's selection.
 *
 * Paging is keyset on (score desc, id asc) within a window of the SEARCH_WINDOW best hits: Lucene hands hits
 * over best first, so the window costs at most that many hits however popular the words, and a cursor
 * (the last hit's score and id) resumes right after it. Scores are recomputed per query; for an unchanged
 * index they are identical, so pages neither repeat nor skip. When the data changes between pages a hit
 * may move across the cursor, as with any keyset paging.
 */

export const FULLTEXT_INDEX = 'claimgraph_text';
export const SEARCH_WINDOW = 1000;

export interface SearchArgs {
  query: string;
  syntax?: SearchSyntax | null;
  labels?: NodeLabel[] | null;
  first?: number | null;
  after?: string | null;
}

interface SearchPlan {
  connectionKeys: { edges: string[]; pageInfo: string[]; totalCount: string[] };
  edgeFields: Array<{ key: string; kind: 'cursor' } | { key: string; kind: 'score' } | { key: string; kind: 'node'; plan: NodePlan }>;
}

function planSearch(info: GraphQLResolveInfo, labels: readonly Label[] | null): SearchPlan {
  const scope = scopeOf(info);
  const connection = objectType(info, 'SearchConnection');
  const edge = objectType(info, 'SearchEdge');
  const fields = keysByField(connection, rootSelections(info), scope);
  const keys = (name: string) => (fields.get(name) ?? []).map((e) => e.key);
  // Like the planner's connections: the selections of every `edges` alias are merged.
  const edgeSelections = (fields.get('edges') ?? []).flatMap((e) => subSelections(e.nodes));
  const edgeFieldsByName = keysByField(edge, edgeSelections, scope);
  const edgeFields: SearchPlan['edgeFields'] = [];
  for (const { key } of edgeFieldsByName.get('cursor') ?? []) edgeFields.push({ key, kind: 'cursor' });
  for (const { key } of edgeFieldsByName.get('score') ?? []) edgeFields.push({ key, kind: 'score' });
  for (const { key, plan } of planNodeKeys(edge, 'node', edgeFieldsByName.get('node') ?? [], scope, labels ?? undefined)) {
    edgeFields.push({ key, kind: 'node', plan });
  }
  return { connectionKeys: { edges: keys('edges'), pageInfo: keys('pageInfo'), totalCount: keys('totalCount') }, edgeFields };
}

function afterKey(after: CursorKey | null): { score: number; id: string } | null {
  if (!after) return null;
  const [score, id] = after;
  if (typeof score !== 'number' || typeof id !== 'string') throw badUserInput('after is not a cursor of this search.', 'after', 'Query.search');
  return { score, id };
}

/** A hit as the query returns it: internal keys only, so no client alias can collide with them. */
interface RawHit {
  score: number;
  id: string;
  nodes: unknown[];
}

function shapeSearch(plan: SearchPlan, hits: RawHit[], total: number, first: number, after: CursorKey | null): Row {
  // Same order as the query's ORDER BY; sorting again keeps the contract independent of row order.
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = hits.slice(0, first);
  const cursorOf = (hit: RawHit) => encodeCursor([hit.score, hit.id]);
  const edges = page.map((hit) => {
    const edge: Row = {};
      let nodeIndex = 0;
    for (const field of plan.edgeFields) {
      if (field.kind === 'cursor') edge[field.key] = cursorOf(hit);
      else if (field.kind === 'score') edge[field.key] = hit.score;
      else edge[field.key] = shapeNode(hit.nodes[nodeIndex++], field.plan);
    }
    return plannedRow(edge);
  });
  const pageInfo = {
    hasNextPage: hits.length > first,
    hasPreviousPage: after !== null,
    startCursor: page.length ? cursorOf(page[0]) : null,
    endCursor: page.length ? cursorOf(page[page.length - 1]) : null,
  };
  const row: Row = {};
  for (const key of plan.connectionKeys.edges) row[key] = edges;
  for (const key of plan.connectionKeys.pageInfo) row[key] = pageInfo;
  for (const key of plan.connectionKeys.totalCount) row[key] = total;
  return plannedRow(row);
}

export async function searchNodes(ctx: Context, info: GraphQLResolveInfo, args: SearchArgs): Promise<Row> {
  // Everything a request can get wrong is decided here, before the database is touched.
  const syntax: SearchSyntax = args.syntax ?? 'PLAIN';
  const lucene = syntax === 'LUCENE' ? luceneSyntaxQuery(args.query) : luceneQuery(searchTerms(args.query));
  const labels = labelsArgument(info.schema, args.labels);
  const { first, after } = pageOf(args, 2, 'Query.search');
  const resume = afterKey(after);
  const plan = planSearch(info, labels);
  if (lucene === null) return shapeSearch(plan, [], 0, first, after);

  const w = new CypherWriter(Visibility.of(ctx.principal));
  // Hits the principal may not see are dropped before the window is cut, so pages stay full and the total
  // counts only what it may see.
  const hitFilter = [labels ? `n:${labels.map(quoteName).join('|')}` : null, w.visible('n', labels ?? null)].filter((c): c is string => !!c);
  const labelFilter = hitFilter.length ? `WHERE ${hitFilter.join(' AND ')}` : null;
  const keyset = resume ? `  WHERE score < ${w.param(resume.score)} OR (score = ${w.param(resume.score)} AND n.id > ${w.param(resume.id)})` : null;
  const nested: string[] = [];
  const projections: string[] = [];
  for (const field of plan.edgeFields) {
    if (field.kind !== 'node') continue;
    const printed = printNode(field.plan, 'n', w);
    nested.push(...printed.subqueries.flatMap((s) => s.split('\n').map((line) => `  ${line}`)));
    projections.push(printed.projection);
  }
  const cypher = [
    `CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', ${w.param(lucene)}) YIELD node AS n, score`,
    ...(labelFilter ? [labelFilter] : []),
    `WITH n, score LIMIT ${w.param(neo4j.int(SEARCH_WINDOW))}`,
    `WITH collect({n: n, score: score}) AS hits`,
    `CALL {`,
    `  WITH hits`,
    `  UNWIND hits AS hit`,
    `  WITH hit.n AS n, hit.score AS score`,
    ...(keyset ? [keyset] : []),
    `  WITH n, score ORDER BY score DESC, n.id LIMIT ${w.param(neo4j.int(first + 1))}`,
    ...nested,
    `  RETURN collect({score: score, id: n.id, nodes: [${projections.join(', ')}]}) AS rows`,
    `}`,
    `RETURN rows, size(hits) AS total`,
  ].join('\n');

  let result;
  try {
    result = await ctx.db.read(cypher, w.params);
  } catch (error) {
    // The query is built from checked, escaped parts only; should Lucene still refuse it (a limit met only
    // at run time, say), it is the text's fault: BAD_USER_INPUT, never an internal error. Lucene's refusals
    // arrive as the procedure failing; other errors stay what they are.
    if (error instanceof Neo4jError && error.code.startsWith('Neo.ClientError.Procedure')) {
      ctx.log.warn({ err: error, lucene, syntax }, 'full-text query refused');
      throw badUserInput(
        syntax === 'LUCENE'
          ? 'query (LUCENE syntax) could not be searched: the index refused it; try fewer or simpler clauses.'
          : 'query could not be searched; try fewer or simpler words.',
        'query',
      );
    }
    throw error;
  }
  const record = result.records[0];
  if (!record) throw new InvariantError('search returned no row');
  const rows = toPlain(record.get('rows')) as RawHit[];
  return shapeSearch(plan, rows, toPlain(record.get('total')) as number, first, after);
}
