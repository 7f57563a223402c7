import type { Resolvers } from '../../generated/graphql.js';
import { nodeMutations, payloadNode } from '../node/nodeMutations.js';

// The Source mutations of schema/source.graphql: upsertSource, updateSource, deleteSource. The rules they share (ids,
// validation, the change log, what refuses a delete) are in src/domain/node/nodeMutations.ts.
const mutations = nodeMutations('Source');

export const sourceMutationResolvers: Resolvers = {
  Mutation: {
    upsertSource: mutations.upsert,
    updateSource: mutations.update,
    deleteSource: mutations.remove,
  },
  SourcePayload: {
    source: payloadNode,
  },
};
