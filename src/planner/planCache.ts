import { print, type FragmentDefinitionNode, type GraphQLResolveInfo } from 'graphql';
import type { Visibility } from '../auth/visibility.js';

/**
 * Planned queries, cached per root field: the field's selection (fragments included), the values of the
 * request's variables and the principal's clearance. A repeated request is neither planned nor printed again.
 */
export interface PreparedQuery<P> {
  plan: P;
  cypher: string;
  params: Record<string, unknown>;
}

const MAX_ENTRIES = 1000;
const entries = new Map<string, PreparedQuery<unknown>>();
export const planCacheStats = { hits: 0, misses: 0 };

function usedFragments(info: GraphQLResolveInfo): FragmentDefinitionNode[] {
  return Object.keys(info.fragments)
    .sort()
    .map((name) => info.fragments[name]);
}

const printed = new WeakMap<object, string>();
const printOnce = (node: Parameters<typeof print>[0] & object) => {
  let text = printed.get(node);
  if (text === undefined) {
    text = print(node);
    printed.set(node, text);
  }
  return text;
};

/**
 * The key of a root field's prepared query. It includes the clearance the query was printed for: the same
 * request by principals who see different markings is a different query (its predicates and parameters).
 */
export function cacheKey(info: GraphQLResolveInfo, visibility: Visibility, extra = ''): string {
  return [
    visibility.clearance,
    info.parentType.name,
    ...info.fieldNodes.map(printOnce),
    ...usedFragments(info).map(printOnce),
    JSON.stringify(info.variableValues),
    extra,
  ].join('\u0000');
}

/** The prepared query for this key, building (planning and printing) it only on a miss. */
export function prepared<P>(key: string, build: () => PreparedQuery<P>): PreparedQuery<P> {
  const hit = entries.get(key) as PreparedQuery<P> | undefined;
  if (hit) {
    planCacheStats.hits++;
    // Refresh its place in the LRU order.
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  planCacheStats.misses++;
  const built = build();
  entries.set(key, built);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  return built;
}

export function clearPlanCache(): void {
  entries.clear();
  planCacheStats.hits = 0;
  planCacheStats.misses = 0;
}
