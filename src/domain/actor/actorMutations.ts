import type { Resolvers } from '../../generated/graphql.js';
import { nodeMutations, payloadNode } from '../node/nodeMutations.js';

// The Actor mutations of schema/actor.graphql: upsertActor, updateActor, deleteActor. The rules they share (ids,
// validation, the change log, what refuses a delete) are in src/domain/node/nodeMutations.ts.
const mutations = nodeMutations('Actor');

export const actorMutationResolvers: Resolvers = {
  Mutation: {
    upsertActor: mutations.upsert,
    updateActor: mutations.update,
    deleteActor: mutations.remove,
  },
  ActorPayload: {
    actor: payloadNode,
  },
};
