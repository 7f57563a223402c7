import neo4j from 'neo4j-driver';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import type { NodeLabel, RelationshipType } from '../../generated/graphql.js';
import { requireLabelOfId } from '../../ids.js';
import { graphModelOf } from '../../model/graphModel.js';
import { CypherWriter, printNode, valueExpression } from '../../planner/printCypher.js';
import { Visibility } from '../../auth/visibility.js';
import { shapeNode, toPlain } from '../../planner/shapeResult.js';
import type { Row } from '../../planner/row.js';
import { intInRange, labelsArgument, quoteName, relTypesArgument } from './graphEnums.js';
import { keysByField, objectType, planNodeKeys, plannedRow, rootSelections, scopeOf, type KeyedNodePlan } from './planSelection.js';

/**
 * Neighbourhoods and shortest paths as Subgraphs, each in one Cypher query: the traversal, the edges
 * between the nodes reached, and the planner's projection of every node for the client's selection.
 * Relationship types and labels come from the graph model; depths are validated integers, inlined only
 * where Cypher takes no parameter (`*1..n`).
 */

export const MAX_NEIGHBOURHOOD_DEPTH = 3;
export const DEFAULT_NEIGHBOURHOOD_LIMIT = 200;
export const MAX_NEIGHBOURHOOD_LIMIT = 1000;
export const MAX_SUBGRAPH_EDGES = 5000;
export const MAX_PATH_DEPTH = 10;
export const DEFAULT_PATH_DEPTH = 6;

export interface NeighbourhoodArgs {
  id: string;
  depth?: number | null;
  relationshipTypes?: RelationshipType[] | null;
  labels?: NodeLabel[] | null;
  limit?: number | null;
}

export interface ShortestPathArgs {
  from: string;
  to: string;
  maxDepth?: number | null;
  relationshipTypes?: RelationshipType[] | null;
}

interface SubgraphSelection {
  nodes: KeyedNodePlan[];
  edgesKeys: string[];
  truncatedKeys: string[];
}

function planSubgraph(info: GraphQLResolveInfo): SubgraphSelection {
  const scope = scopeOf(info);
  const type = objectType(info, 'Subgraph');
  const fields = keysByField(type, rootSelections(info), scope);
  return {
    nodes: planNodeKeys(type, 'nodes', fields.get('nodes') ?? [], scope),
    edgesKeys: (fields.get('edges') ?? []).map((e) => e.key),
    truncatedKeys: (fields.get('truncated') ?? []).map((e) => e.key),
  };
}

// Always an explicit list, so relationships of types outside the model are never followed or returned.
const relTypeExpr = (types: readonly string[]) => `:${types.map(quoteName).join('|')}`;

/** A map of GraphEdge fields for relationship variable `r`, properties shaped by the model's edge specs. */
function edgeProjection(r: string, types: readonly string[], info: GraphQLResolveInfo): string {
  const model = graphModelOf(info.schema);
  const branches: string[] = [];
  for (const type of types) {
    const specs = model.edges.get(type)?.properties ?? [];
    if (specs.length === 0) continue;
    const entries = specs.map((spec) => `${quoteName(spec.name)}: ${valueExpression(r, spec)}`);
    // Types come from the model, where they match /^[A-Z][A-Z_]*$/: safe inside a string literal.
    branches.push(`WHEN '${type}' THEN {${entries.join(', ')}}`);
  }
  const properties = branches.length ? `CASE type(${r}) ${branches.join(' ')} ELSE {} END` : '{}';
  return `{type: type(${r}), from: startNode(${r}).id, to: endNode(${r}).id, properties: ${properties}}`;
}

/**
 * Subqueries projecting the node list `ns` once per planned response key, in list order; returns the
 * subqueries and the variable each key's list is bound to.
 */
function printNodeLists(plans: readonly KeyedNodePlan[], ns: string, w: CypherWriter): { subqueries: string[]; vars: string[] } {
  const subqueries: string[] = [];
  const vars: string[] = [];
  for (const { plan } of plans) {
    const out = w.variable('k');
    const i = w.variable('i');
    const n = w.variable('n');
    const printed = printNode(plan, n, w);
    subqueries.push(
      [
        `CALL {`,
        `  WITH ${ns}`,
        `  UNWIND range(0, size(${ns}) - 1) AS ${i}`,
        `  WITH ${i}, ${ns}[${i}] AS ${n}`,
        ...printed.subqueries.flatMap((s) => s.split('\n').map((line) => `  ${line}`)),
        `  WITH ${i}, ${printed.projection} AS row ORDER BY ${i}`,
        `  RETURN collect(row) AS ${out}`,
        `}`,
      ].join('\n'),
    );
    vars.push(out);
  }
  return { subqueries, vars };
}

function shapeSubgraph(record: { get(key: string): unknown }, selection: SubgraphSelection, vars: string[]): Row {
  const row: Row = {};
  selection.nodes.forEach(({ key, plan }, index) => {
    const raw = toPlain(record.get(vars[index])) as unknown[];
    row[key] = raw.map((node) => shapeNode(node, plan));
  });
  const edges = selection.edgesKeys.length ? (toPlain(record.get('edges')) as Row[]) : [];
  for (const key of selection.edgesKeys) row[key] = edges;
  const truncated = record.get('truncated') === true;
  for (const key of selection.truncatedKeys) row[key] = truncated;
  return plannedRow(row);
}

/** The k-hop neighbourhood of a node (BFS, level by level, distinct nodes), or null when the id is unknown. */
export async function fetchNeighbourhood(ctx: Context, info: GraphQLResolveInfo, args: NeighbourhoodArgs): Promise<Row | null> {
  const startLabel = requireLabelOfId(args.id, 'id');
  const depth = intInRange(args.depth, 1, 1, MAX_NEIGHBOURHOOD_DEPTH, 'depth');
  const limit = intInRange(args.limit, DEFAULT_NEIGHBOURHOOD_LIMIT, 1, MAX_NEIGHBOURHOOD_LIMIT, 'limit');
  const types = relTypesArgument(info.schema, args.relationshipTypes);
  const labels = labelsArgument(info.schema, args.labels);
  const selection = planSubgraph(info);

  const w = new CypherWriter(Visibility.of(ctx.principal));
  const rel = relTypeExpr(types);
  const labelExpr = labels ? `:${labels.map(quoteName).join('|')}` : '';
  const cap = w.param(neo4j.int(limit));
  // A node the principal may not see is not reached, and nothing is reached through it.
  const startVisible = w.visible('s', [startLabel]);
  const reachedVisible = w.visible('x', labels ?? null);
  const lines = [`MATCH (s:${quoteName(startLabel)}) WHERE s.id = ${w.param(args.id)}${startVisible ? ` AND ${startVisible}` : ''}`];
  const levels: string[] = [];
  for (let level = 1; level <= depth; level++) {
    const out = `l${level}`;
    const seen = levels.map((l) => ` AND NOT x IN ${l}`).join('');
    const from = level === 1 ? ['  MATCH (s)-[' + rel + ']-(x' + labelExpr + ')'] : [`  UNWIND ${levels[levels.length - 1]} AS a`, `  MATCH (a)-[${rel}]-(x${labelExpr})`];
    lines.push(
      [
        `CALL {`,
        `  WITH ${['s', ...levels].join(', ')}`,
        ...from,
        `  WHERE x <> s${seen}${reachedVisible ? ` AND ${reachedVisible}` : ''}`,
        // Stop expanding once the cap is reached; then order what was kept, for stable output.
        `  WITH DISTINCT x LIMIT ${cap}`,
        `  WITH x ORDER BY x.id`,
        `  RETURN collect(x) AS ${out}`,
        `}`,
      ].join('\n'),
    );
    levels.push(out);
  }
  lines.push(`WITH ${['[s]', ...levels].join(' + ')} AS reached`);
  lines.push(`WITH reached[..${cap}] AS ns, size(reached) > ${cap} AS nodesTruncated`);

  const wantEdges = selection.edgesKeys.length > 0 || selection.truncatedKeys.length > 0;
  if (wantEdges) {
    lines.push(
      [
        `CALL {`,
        `  WITH ns`,
        `  UNWIND ns AS a`,
        `  MATCH (a)-[r${rel}]->(b) WHERE b IN ns`,
        `  WITH r LIMIT ${w.param(neo4j.int(MAX_SUBGRAPH_EDGES + 1))}`,
        `  WITH r ORDER BY startNode(r).id, type(r), endNode(r).id`,
        `  RETURN collect(${edgeProjection('r', types, info)}) AS allEdges`,
        `}`,
      ].join('\n'),
    );
  }
  const nodeLists = printNodeLists(selection.nodes, 'ns', w);
  lines.push(...nodeLists.subqueries);
  const edgeCap = MAX_SUBGRAPH_EDGES;
  lines.push(
    `RETURN ${[
      ...nodeLists.vars,
      wantEdges ? `allEdges[..${edgeCap}] AS edges` : '[] AS edges',
      wantEdges ? `nodesTruncated OR size(allEdges) > ${edgeCap} AS truncated` : 'nodesTruncated AS truncated',
    ].join(', ')}`,
  );

  const result = await ctx.db.read(lines.join('\n'), w.params);
  const record = result.records[0];
  return record ? shapeSubgraph(record, selection, nodeLists.vars) : null;
}

/** One shortest path between two nodes, or null when either is unknown or none is within maxDepth. */
export async function fetchShortestPath(ctx: Context, info: GraphQLResolveInfo, args: ShortestPathArgs): Promise<Row | null> {
  const fromLabel = requireLabelOfId(args.from, 'from');
  const toLabel = requireLabelOfId(args.to, 'to');
  const maxDepth = intInRange(args.maxDepth, DEFAULT_PATH_DEPTH, 1, MAX_PATH_DEPTH, 'maxDepth');
  const types = relTypesArgument(info.schema, args.relationshipTypes);
  const selection = planSubgraph(info);

  const w = new CypherWriter(Visibility.of(ctx.principal));
  const fromVisible = w.visible('a', [fromLabel]);
  const toVisible = w.visible('b', [toLabel]);
  // Paths only through nodes the principal may see: Neo4j checks a predicate on all nodes of the path
  // while it searches, so a hidden node is never stepped on (and a longer visible path is found instead).
  const onPath = w.visible('x', null);
  const lines = [`MATCH (a:${quoteName(fromLabel)}) WHERE a.id = ${w.param(args.from)}${fromVisible ? ` AND ${fromVisible}` : ''}`];
  if (args.from === args.to) {
    // Neo4j's shortestPath refuses equal endpoints; a path from a node to itself is the node alone.
    lines.push(`WITH [a] AS ns, [] AS rs`);
  } else {
    lines.push(`MATCH (b:${quoteName(toLabel)}) WHERE b.id = ${w.param(args.to)}${toVisible ? ` AND ${toVisible}` : ''}`);
    // maxDepth was checked to be an integer from 1 to MAX_PATH_DEPTH: Cypher takes no parameter here.
    lines.push(`MATCH p = shortestPath((a)-[${relTypeExpr(types)}*1..${maxDepth}]-(b))${onPath ? ` WHERE all(x IN nodes(p) WHERE ${onPath})` : ''}`);
    lines.push(`WITH nodes(p) AS ns, relationships(p) AS rs`);
  }
  const nodeLists = printNodeLists(selection.nodes, 'ns', w);
  lines.push(...nodeLists.subqueries);
  lines.push(`RETURN ${[...nodeLists.vars, `[r IN rs | ${edgeProjection('r', types, info)}] AS edges`, 'false AS truncated'].join(', ')}`);

  const result = await ctx.db.read(lines.join('\n'), w.params);
  const record = result.records[0];
  return record ? shapeSubgraph(record, selection, nodeLists.vars) : null;
}
