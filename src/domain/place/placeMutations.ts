import type { Resolvers } from '../../generated/graphql.js';
import { nodeMutations, payloadNode } from '../node/nodeMutations.js';

// The Place mutations of schema/place.graphql: upsertPlace, updatePlace, deletePlace. The rules they share (ids,
// validation, the change log, what refuses a delete) are in src/domain/node/nodeMutations.ts.
const mutations = nodeMutations('Place');

export const placeMutationResolvers: Resolvers = {
  Mutation: {
    upsertPlace: mutations.upsert,
    updatePlace: mutations.update,
    deletePlace: mutations.remove,
  },
  PlacePayload: {
    place: payloadNode,
  },
};
