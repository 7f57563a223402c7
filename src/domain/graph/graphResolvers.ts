import { JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../../generated/graphql.js';
import { fetchNeighbourhood, fetchShortestPath } from './subgraph.js';

// schema/graph.graphql: traversal root fields. Their Subgraph rows are shaped by response key (nodes are
// projected by the query planner), GraphEdge objects are plain, read by field name.
export const graphResolvers: Resolvers = {
  JSON: JSONResolver,
  Query: {
    neighbourhood: (_, args, ctx, info) => fetchNeighbourhood(ctx, info, args),
    shortestPath: (_, args, ctx, info) => fetchShortestPath(ctx, info, args),
  },
};
