import type { Resolvers } from '../../generated/graphql.js';
import { nodeMutations, payloadNode } from '../node/nodeMutations.js';

// The Unit mutations of schema/unit.graphql: upsertUnit, updateUnit, deleteUnit. The rules they share (ids,
// validation, the change log, what refuses a delete) are in src/domain/node/nodeMutations.ts.
const mutations = nodeMutations('Unit');

export const unitMutationResolvers: Resolvers = {
  Mutation: {
    upsertUnit: mutations.upsert,
    updateUnit: mutations.update,
    deleteUnit: mutations.remove,
  },
  UnitPayload: {
    unit: payloadNode,
  },
};
