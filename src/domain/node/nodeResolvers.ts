import type { GraphQLFieldResolver } from 'graphql';
import type { Resolvers } from '../../generated/graphql.js';
import { LABELS } from '../../ids.js';
import { displayNameFrom } from '../../model/displayName.js';
import { fetchNodeById, fetchNodesByIds } from '../../planner/runPlan.js';
import type { Row } from '../../planner/row.js';

// Rows carry the label they were read from; abstract types resolve to it.
const byTypename = (row: Row) => row.__typename as never;

/**
 * The planner reads the display property and the id (see computedFields.ts); the display name is made
 * from them here by the code the exports use, so the API and every export show the same name.
 */
const displayName: GraphQLFieldResolver<Row, unknown> = (row, _args, _ctx, info) => {
  const [value, id] = row[info.path.key as string] as [unknown, string];
  return displayNameFrom(value, id);
};

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx, info) => fetchNodeById(ctx, info, id),
    nodes: (_, { ids }, ctx, info) => fetchNodesByIds(ctx, info, ids),
  },
  Node: { __resolveType: byTypename },
  Agent: { __resolveType: byTypename },
  Speaker: { __resolveType: byTypename },
  Subject: { __resolveType: byTypename },
  ...(Object.fromEntries(LABELS.map((label) => [label, { displayName }])) as Resolvers),
};
