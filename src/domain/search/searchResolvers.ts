import type { Resolvers } from '../../generated/graphql.js';
import { searchNodes } from './searchNodes.js';

// schema/search.graphql: full-text search. Its connection rows are shaped by response key, hits' nodes
// projected by the query planner, all in one Cypher query.
export const searchResolvers: Resolvers = {
  Query: {
    search: (_, args, ctx, info) => searchNodes(ctx, info, args),
  },
};
