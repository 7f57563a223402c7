import { GraphQLError, getNamedType, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { ErrorCode } from './errors.js';
import { DEFAULT_PAGE_SIZE } from './planner/plan.js';

/**
 * Cost guards, checked before anything runs: a query's worst-case size is the product of the page sizes
 * along each path (`places(first: 100) { statements(first: 100) … }` may return 10 000 statements), and
 * its depth is bounded. Either over its limit is refused with QUERY_TOO_COMPLEX, saying by how much.
 */

/** Lists multiply the cost of what they contain by how many items they may return. */
export const pageEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNamedType(field.type);
  const size =
    typeof args.first === 'number'
      ? args.first
      : typeof args.limit === 'number'
        ? args.limit
        : Array.isArray(args.ids)
          ? args.ids.length
          : type.name.endsWith('Connection')
            ? DEFAULT_PAGE_SIZE
            : 1;
  return 1 + Math.max(size, 1) * childComplexity;
};

function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, seen));
    else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      const fragment = fragments.get(selection.name.value);
      deepest = Math.max(deepest, depthOf(fragment?.selectionSet, fragments, new Set([...seen, selection.name.value])));
    }
  }
  return deepest;
}

export function costGuardPlugin(limits: { maxCost: number; maxDepth: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          const fragments = new Map(
            document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
          );
          const depth = depthOf(operation?.selectionSet, fragments, new Set());
          if (depth > limits.maxDepth) {
            throw new GraphQLError(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
              extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, depth, maxDepth: limits.maxDepth },
            });
          }
          const cost = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [pageEstimator],
          });
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `The query may return up to ${cost} items; at most ${limits.maxCost} are allowed. Ask for smaller pages (first) or fewer levels.`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost, maxCost: limits.maxCost } },
            );
          }
        },
      };
    },
  };
}
