import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { labelOfId, requireLabelOfId, type Label } from '../ids.js';
import { badUserInput } from '../errors.js';
import type { RequestScope } from './collectFields.js';
import { planConnection, planNode, type PageArgs } from './plan.js';
import { CypherWriter, printConnectionRows, printNode } from './printCypher.js';
import { shapeConnection, shapeNode, toPlain } from './shapeResult.js';
import type { Row } from './row.js';
import { cacheKey, prepared } from './planCache.js';
import { Visibility } from '../auth/visibility.js';

/**
 * Entry points for root resolvers: each plans the whole selection below the root field and runs it as a
 * single Cypher query, so nested fields cost no further round trips. Every query is printed for the
 * principal's clearance (src/auth/visibility.ts): what it may not see is left out inside the Cypher.
 */

export const MAX_IDS = 100;

function scopeOf(info: GraphQLResolveInfo): RequestScope {
  return { schema: info.schema, fragments: info.fragments, variables: info.variableValues };
}

function selections(info: GraphQLResolveInfo) {
  return info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

async function fetchNodes(ctx: Context, info: GraphQLResolveInfo, ids: string[], labels: Label[]): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  if (ids.length === 0 || labels.length === 0) return found;
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, `${labels.join('|')}:${ids.join('|')}`), () => {
    const plan = planNode(getNamedType(info.returnType), selections(info), scopeOf(info), info.parentType.name, labels);
    const w = new CypherWriter(visibility);
    const idParam = w.param(ids);
    // A node the principal may not see reads as no node at all: null, as for an unknown id.
    const visible = w.visible('n', plan.variants.map((v) => v.label));
    const node = printNode(plan, 'n', w);
    const cypher = plan.variants.length
      ? [
          `MATCH (n:${plan.variants.map((v) => `\`${v.label}\``).join('|')}) WHERE n.id IN ${idParam}${visible ? ` AND ${visible}` : ''}`,
          ...node.subqueries,
          `RETURN n.id AS id, ${node.projection} AS data`,
        ].join('\n')
      : '';
    return { plan, cypher, params: w.params };
  });
  if (!query.cypher) return found;
  const result = await ctx.db.read(query.cypher, query.params);
  for (const record of result.records) {
    found.set(record.get('id') as string, shapeNode(toPlain(record.get('data')), query.plan) as Row);
  }
  return found;
}

/** One node by id, of the root field's type; null when unknown. A malformed id is BAD_USER_INPUT. */
export async function fetchNodeById(ctx: Context, info: GraphQLResolveInfo, id: string): Promise<Row | null> {
  const label = requireLabelOfId(id, 'id');
  const found = await fetchNodes(ctx, info, [id], [label]);
  return found.get(id) ?? null;
}

/** Several nodes by id, in the order asked, null for each unknown one. */
export async function fetchNodesByIds(ctx: Context, info: GraphQLResolveInfo, ids: readonly string[]): Promise<Array<Row | null>> {
  if (ids.length > MAX_IDS) throw badUserInput(`ids takes at most ${MAX_IDS} ids; got ${ids.length}.`, 'ids');
  const labels = new Set<Label>();
  for (const id of ids) {
    if (!labelOfId(id)) requireLabelOfId(id, 'ids');
    labels.add(labelOfId(id) as Label);
  }
  const found = await fetchNodes(ctx, info, [...new Set(ids)], [...labels]);
  return ids.map((id) => found.get(id) ?? null);
}

/** A page of every node of one label, as a Relay connection. */
export async function fetchList(ctx: Context, info: GraphQLResolveInfo, label: Label, args: PageArgs): Promise<Row> {
  const visibility = Visibility.of(ctx.principal);
  const query = prepared(cacheKey(info, visibility, label), () => {
    const connectionType = getNamedType(info.returnType);
    const plan = planConnection(info.path.key as string, null, [label], connectionType, [...info.fieldNodes], args, scopeOf(info), `Query.${info.fieldName}`);
    const w = new CypherWriter(visibility);
    const printed = printConnectionRows(plan, null, w);
    const total = plan.totalCountKeys.length ? `, total: ${printed.total}` : '';
    return { plan, cypher: `${printed.subquery}\nRETURN {rows: ${printed.rows}${total}} AS data`, params: w.params };
  });
  const result = await ctx.db.read(query.cypher, query.params);
  return shapeConnection(toPlain(result.records[0].get('data')), query.plan);
}
