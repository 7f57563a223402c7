import type { Resolvers } from '../../generated/graphql.js';
import { entityRootFields } from '../entityRootFields.js';

// Actor's SDL is schema/actor.graphql; its relationship fields are planned into Cypher from their
// @relation directives (src/planner), so they need no resolvers of their own here.
const root = entityRootFields('Actor');

export const actorResolvers: Resolvers = {
  Query: {
    actor: root.byId,
    actors: root.list,
  },
};
