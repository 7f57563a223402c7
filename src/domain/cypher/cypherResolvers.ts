import type { Resolvers } from '../../generated/graphql.js';
import { runReadOnlyCypher } from './runReadOnlyCypher.js';

// schema/cypher.graphql: the guarded read-only Cypher endpoint, off unless CLAIMGRAPH_CYPHER_ENDPOINT=on.
export const cypherResolvers: Resolvers = {
  Query: {
    cypher: (_, { query, params }, ctx) => runReadOnlyCypher(ctx, query, params),
  },
};
