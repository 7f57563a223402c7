import type { Resolvers } from '../../generated/graphql.js';
import { fetchNodeById, fetchNodesByIds } from '../../planner/runPlan.js';
import type { Row } from '../../planner/row.js';

// Rows carry the label they were read from; abstract types resolve to it.
const byTypename = (row: Row) => row.__typename as never;

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx, info) => fetchNodeById(ctx, info, id),
    nodes: (_, { ids }, ctx, info) => fetchNodesByIds(ctx, info, ids),
  },
  Node: { __resolveType: byTypename },
  Agent: { __resolveType: byTypename },
  Subject: { __resolveType: byTypename },
};
